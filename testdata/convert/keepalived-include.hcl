# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.30.0.100"
}

director "keepalived-include" {
  vip_alias = false
  # keepalived-include.conf: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["keepalived-include"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "10.30.0.11" {}
}

virtual_server "ssh" {
  directors = ["keepalived-include"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 22
  scheduler = "sh"
  method    = "dr"

  server "10.30.0.11" {}
  server "10.30.0.12" {}
}
