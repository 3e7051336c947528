# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "192.168.4.5"
}

director "seed004-ipvsadm-save" {
  vip_alias  = false
  ip_forward = "unmanaged"
  # seed004-ipvsadm-save: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
  # seed004-ipvsadm-save: note: ip_forward = "unmanaged": the input serves NAT but leaves forwarding as it finds it, so lvsctl does too; remove the line to have lvsctl turn forwarding on, as NAT needs
}

virtual_server "http" {
  directors = ["seed004-ipvsadm-save"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "nat"

  server "192.168.2.100" {
    method = "dr"
  }
  server "192.168.2.200" {
    weight = 2
  }
  server "192.168.2.201" {
    weight = 3
  }
  server "192.168.2.202" {
    method = "dr"
  }
}

virtual_server "mysql" {
  directors = ["seed004-ipvsadm-save"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 3306
  scheduler = "lc"
  method    = "nat"

  server "192.168.2.100" {}
  server "192.168.2.200" {}
}
