director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11:8080" {}
  server "10.0.0.12:8080" {
    method = "tun"
  }
  server "10.0.0.13:8080" {
    method = "nat" # fine: NAT rewrites the port
  }
}
