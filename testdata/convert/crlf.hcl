# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.53.0.100"
}

# copied through a Windows editor
director "crlf" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["crlf"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.53.0.11" {}
  server "10.53.0.12" {}
}
