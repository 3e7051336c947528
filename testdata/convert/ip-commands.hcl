# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.62.0.100"
}

director "lvs" {
  ssh {
    host = "lvs"
  }
  interface = "eth0"
  route {
    destination = "10.99.0.0/16"
    gateway     = "10.62.0.1"
    interface   = "eth0"
  }
}

virtual_server "http" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"

  server "10.62.0.11" {}
  server "10.62.0.12" {}
}

real_server "web1" {
  address = "10.62.0.11"
  ssh {
    host = "10.62.0.11"
  }
}

# ARP only on "all", no host route
real_server "web2" {
  address   = "10.62.0.12"
  vip_route = false
  ssh {
    host = "10.62.0.12"
  }
  # rs-all-only.sh: differs: sysctl net.ipv4.conf.lo.arp_announce=2: lvsctl derives this setting, which the input does not make
  # rs-all-only.sh: differs: sysctl net.ipv4.conf.lo.arp_ignore=1: lvsctl derives this setting, which the input does not make
}
