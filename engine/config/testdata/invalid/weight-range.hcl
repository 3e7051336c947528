director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
  weight    = -1

  server "10.0.0.11" {
    weight = 65536
  }
  server "10.0.0.12" {
    weight = 1.5
  }
}
