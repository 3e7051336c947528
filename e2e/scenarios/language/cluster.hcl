# What issue 11 added to the language, on the real kernel: a vip block on the
# director (label eth0:vip), a persistent service on port 0 (all ports,
# ipvsadm -A -t VIP:0 -p 1800), and an IPv6 service whose real servers are
# IPv4 hosts reached through IPv6-in-IPv4 tunnels (the VIP on their sit0).
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"

  vip "172.25.0.100" {
    interface = "eth0"
    label     = "eth0:vip"
  }
}

virtual_server "all-ports" {
  directors   = ["lvs"]
  vip         = "172.25.0.100"
  port        = 0
  persistence = 1800
  scheduler   = "rr"

  server "172.25.0.31" {}
  server "172.25.0.32" {}
}

virtual_server "web6" {
  directors = ["lvs"]
  vip       = "2001:db8::100"
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
