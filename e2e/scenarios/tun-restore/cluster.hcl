# The TUN lab: the director lvs tunnels 172.25.0.100:80 in IPIP to rs1 and rs2,
# which hold the VIP on tunl0 (down until lvsctl puts the VIP there).
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
  method    = "tun"

  server "172.25.0.31" {}
  server "172.25.0.32" {}
}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}
