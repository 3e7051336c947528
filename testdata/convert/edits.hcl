# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "192.168.4.5"
}

# seed 004's add, edit and delete steps, as one script
director "edits" {
  vip_alias  = false
  ip_forward = "unmanaged"
  # edits.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
  # edits.sh: note: ip_forward = "unmanaged": the input serves NAT but leaves forwarding as it finds it, so lvsctl does too; remove the line to have lvsctl turn forwarding on, as NAT needs
}

virtual_server "http" {
  directors = ["edits"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "192.168.2.100" {}
  server "192.168.2.200" {
    weight = 2
    method = "nat"
  }
  server "192.168.2.202" {}
}

virtual_server "mysql" {
  directors = ["edits"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 3306
  scheduler = "lc"
  method    = "nat"

  server "192.168.2.100" {}
  server "192.168.2.200" {}
}
