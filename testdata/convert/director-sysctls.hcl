# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.69.0.100"
}

director "director-sysctls" {
  interface = "eth0"
  sysctls = {
    "net.ipv4.conf.all.send_redirects"  = 0
    "net.ipv4.conf.eth0.send_redirects" = 0
    "net.ipv4.vs.expire_nodest_conn"    = 1
  }
}

virtual_server "http" {
  directors = ["director-sysctls"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.69.0.11" {}
}
