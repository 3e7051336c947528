# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.59.0.100"
}

director "getopts" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["getopts"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.59.0.11" {}
}
