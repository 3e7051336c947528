director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs01", "lvs1", "lvs1", "backup"]
  vip       = "10.0.0.100"
  port      = 80
}

virtual_server "empty" {
  directors = []
  vip       = "10.0.0.100"
  port      = 443
}
