# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.61.0.100"
}

director "double-spaced" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["double-spaced"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.61.0.11" {}
  server "10.61.0.12" {}
}
