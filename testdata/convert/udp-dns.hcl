# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.2.0.53"
}

# DNS resolvers behind one address
director "udp-dns" {
  interface = "eth0"
}

virtual_server "dns" {
  directors = ["udp-dns"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 53
  scheduler = "rr"
  method    = "dr"

  server "10.2.0.11" {}
  server "10.2.0.12" {}
}

virtual_server "dns-udp" {
  directors  = ["udp-dns"]
  protocol   = "udp"
  vip        = var.vip
  port       = 53
  scheduler  = "rr"
  one_packet = true
  method     = "dr"

  server "10.2.0.11" {}
  server "10.2.0.12" {}
}
