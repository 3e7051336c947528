# vip blocks, director routes and sysctls, arp_interfaces, rp_filter and
# vip_route on TUN: declared settings override or add to the derived ones.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
  address   = "10.0.0.1"

  # 10.0.0.100 goes to eth1 as eth1:vip, a /24 of scope host; 10.0.0.101 is derived.
  vip "10.0.0.100" {
    interface = "eth1"
    label     = "eth1:vip"
    prefix    = 24
    scope     = "host"
  }
  route {
    destination = "default"
    gateway     = "192.0.2.254"
    metric      = 100
  }
  route {
    destination = "224.0.0.0/4"
    interface   = "eth1"
  }
  sysctls = {
    "net.ipv4.conf.all.send_redirects"  = "0"
    "net.ipv4.conf.eth0.send_redirects" = 0
    "net.ipv4.ip_forward"               = "1"
  }
}

# ip_forward left to something else although the director serves NAT.
director "lvs2" {
  netns      = "lvs2"
  interface  = "eth0"
  address    = "10.0.0.2"
  ip_forward = "unmanaged"
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

virtual_server "https" {
  directors = ["lvs1"]
  vip       = "10.0.0.101"
  port      = 443

  server "10.0.0.11" {}
}

virtual_server "tunnelled" {
  directors = ["lvs1"]
  vip       = "10.0.0.102"
  port      = 80
  method    = "tun"

  server "10.1.0.11" {}
}

virtual_server "natted" {
  directors = ["lvs2"]
  vip       = "10.0.0.103"
  port      = 80
  method    = "nat"

  server "10.0.0.31" {}
}

# DR: 10.0.0.100 on lo labelled lovip; ARP settings on eth0 too; arp_ignore
# 3 declared in sysctls for all.
real_server "web1" {
  address        = "10.0.0.11"
  netns          = "web1"
  arp_interfaces = ["eth0"]

  vip "10.0.0.100" {
    interface = "lo"
    label     = "lovip"
  }
  sysctls = {
    "net.ipv4.conf.all.arp_ignore" = 3
  }
}

# TUN: the VIP on tunl0 without a label, rp_filter loose, the host route asked for.
real_server "remote1" {
  address   = "10.1.0.11"
  netns     = "remote1"
  rp_filter = 2
  vip_route = true

  vip "10.0.0.102" {
    interface = "tunl0"
    label     = ""
  }
}

real_server "nat1" {
  address = "10.0.0.31"
  netns   = "nat1"
}
