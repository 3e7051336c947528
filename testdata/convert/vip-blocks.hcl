# Written by lvsctl: the comments say what it could not describe.

variable "web_vip" {
  type    = string
  default = "10.90.0.100"
}

variable "api_vip" {
  type    = string
  default = "10.91.0.100"
}

# Two VIPs on two networks: the web VIP on a numbered alias, the API VIP
# on eth1 with its network's prefix and a label of its own.
director "lvs" {
  ssh {
    host = "lvs"
  }
  interface = "eth0"
  vip "10.90.0.100" {
    interface = "eth0"
    label     = "eth0:2"
  }
  vip "10.91.0.100" {
    interface = "eth1"
    label     = "eth1:vip"
    prefix    = 24
  }
}

virtual_server "http" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.web_vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "10.90.0.11" {}
  server "10.90.0.12" {
    weight = 2
  }
}

virtual_server "http-alt" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.api_vip
  port      = 8080
  scheduler = "rr"
  method    = "dr"

  server "10.91.0.21" {}
}

# DR real server: the VIP with host scope under a label of its own, ARP
# quiet on eth0 as well, and no ICMP redirects.
real_server "web1" {
  address        = "10.90.0.11"
  arp_ignore     = 3
  arp_interfaces = ["eth0"]
  sysctls = {
    "net.ipv4.conf.all.accept_redirects" = 0
  }
  vip "10.90.0.100" {
    interface = "lo"
    label     = "lo:web"
    scope     = "host"
  }
  ssh {
    host = "10.90.0.11"
  }
}
