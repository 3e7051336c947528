# TUN: the VIP on tunl0 of the real server, rp_filter off on all and tunl0,
# the ARP sysctls on all and tunl0, no host route; tunnel settings on the
# director's servers.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
  method    = "tun"

  server "10.1.0.11" {}
  server "10.1.0.12" {
    tunnel_type     = "gue"
    tunnel_port     = 6080
    tunnel_checksum = "csum"
  }
}

real_server "remote1" {
  address = "10.1.0.11"
  netns   = "remote1"
}
