# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.68.0.100"
}

director "vip-prefix" {
  interface = "eth0"
  vip "10.68.0.100" {
    label  = ""
    prefix = 24
  }
}

virtual_server "http" {
  directors = ["vip-prefix"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.68.0.11" {}
}
