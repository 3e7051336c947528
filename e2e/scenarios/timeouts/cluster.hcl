# A director with IPVS connection timeouts (ipvsadm --set tcp tcpfin udp).
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"

  timeouts {
    tcp    = 1800
    tcpfin = 60
    udp    = 120
  }
}

virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "rr"
  server "172.25.0.31" {}
}
