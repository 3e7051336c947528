# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.58.0.100"
}

director "select-menu" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["select-menu"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.58.0.11" {}
  server "10.58.0.12" {}
}
