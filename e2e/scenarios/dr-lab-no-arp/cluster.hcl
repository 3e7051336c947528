# dr-lab with the real servers' ARP suppression overridden away: each of
# them answers ARP for the VIP it holds on lo, and the client ends up
# sending everything to one of them instead of the director.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "172.25.0.31" {}
  server "172.25.0.32" {}
}

real_server "rs1" {
  netns        = "rs1"
  address      = "172.25.0.31"
  arp_ignore   = 0
  arp_announce = 0
}

real_server "rs2" {
  netns        = "rs2"
  address      = "172.25.0.32"
  arp_ignore   = 0
  arp_announce = 0
}
