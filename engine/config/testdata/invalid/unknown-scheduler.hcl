director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
  scheduler = "wrrr"
}

virtual_server "dns" {
  directors = ["lvs1"]
  protocol  = "udp"
  vip       = "10.0.0.100"
  port      = 53
  scheduler = "roundrobin"
}
