# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.74.0.100"
}

director "lvs" {
  interface  = "eth0"
  ip_forward = true
  # sysctl-director.conf:3: left out: sysctl net.ipv4.conf.all.send_redirects=0: lvsctl sets only the forwarding, ARP and rp_filter settings it derives; other sysctls cannot be described yet
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
