# Written by lvsctl: the comments say what it could not describe.

variable "vip6" {
  type    = string
  default = "2001:db8:100::80"
}

# IPv6 web service
director "ipv6" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["ipv6"]
  protocol  = "tcp"
  vip       = var.vip6
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "2001:db8:100::11" {}
  server "2001:db8:100::12" {}
}
