# Overrides on a DR real server: another VIP interface (with a dot, written
# with a slash in sysctl names), ARP levels, no host route; and a declared
# route block.
director "lvs1" {
  netns     = "lvs1"
  interface = "bond0.100"
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

real_server "web1" {
  address       = "10.0.0.11"
  netns         = "web1"
  vip_interface = "dummy0.5"
  arp_ignore    = 2
  arp_announce  = 1
  vip_route     = false

  route {
    destination = "192.168.0.0/16"
    gateway     = "10.0.0.254"
    metric      = 100
  }
}
