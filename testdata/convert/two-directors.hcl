# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.75.0.100"
}

# the same script on lvs1 and lvs2 (a pair behind a VRRP-less router)
director "lvs1" {
  ssh {
    host = "lvs1"
  }
  vip_alias = false
  # two-directors.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

director "lvs2" {
  ssh {
    host = "lvs2"
  }
  vip_alias = false
  # two-directors.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["lvs1", "lvs2"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.75.0.11" {}
  server "10.75.0.12" {}
}
