director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors   = ["lvs1"]
  vip         = "10.0.0.100"
  port        = 80
  method      = "tun"
  tunnel_type = "vxlan"

  server "10.0.0.11" {}
  server "10.0.0.12" {
    tunnel_type = "gue"
  }
  server "10.0.0.13" {
    method      = "dr"
    tunnel_port = 6080
  }
}
