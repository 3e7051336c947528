# LVS-TUN over GRE: the real servers receive on the fallback GRE device
# gre0, so the VIP goes there.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

virtual_server "web" {
  directors   = ["lvs"]
  protocol    = "tcp"
  vip         = "172.25.0.100"
  port        = 80
  scheduler   = "rr"
  method      = "tun"
  tunnel_type = "gre"

  server "172.25.0.31" {}
  server "172.25.0.32" {}
}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
  vip_interface = "gre0"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
  vip_interface = "gre0"
}
