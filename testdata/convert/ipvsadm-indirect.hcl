# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.56.0.100"
}

director "ipvsadm-indirect" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["ipvsadm-indirect"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "lc"
  method    = "dr"

  server "10.56.0.11" {}
  server "10.56.0.12" {}
}
