# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.79.0.100"
}

director "tun-gue" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["tun-gue"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "tun"

  server "10.79.1.11" {
    tunnel_type     = "gue"
    tunnel_port     = 6080
    tunnel_checksum = "csum"
  }
  server "10.79.1.12" {
    tunnel_type = "gre"
  }
}
