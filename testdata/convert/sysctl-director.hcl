# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.74.0.100"
}

director "lvs" {
  interface  = "eth0"
  ip_forward = true
  sysctls = {
    "net.ipv4.conf.all.send_redirects" = 0
  }
}

virtual_server "http" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "nat"

  server "10.74.0.11" {}
}
