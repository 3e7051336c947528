# LVS-TUN over GUE: IPIP inside GUE in UDP to port 6080, which the real servers
# decapsulate with a GUE listener (set up by the lab) into tunl0.
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
  tunnel_type = "gue"

  server "172.25.0.31" {
    tunnel_port = 6080
  }
  server "172.25.0.32" {
    tunnel_port = 6080
  }
}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}
