director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
  server "10.0.0.11:80" {
    weight = 2
  }
}
