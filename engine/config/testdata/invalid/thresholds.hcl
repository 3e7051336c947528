director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {
    upper_threshold = 100
    lower_threshold = 200
  }
  server "10.0.0.12" {
    lower_threshold = -1
  }
  server "10.0.0.13" {
    upper_threshold = 4294967296
  }
  server "10.0.0.14" {
    lower_threshold = 50 # fine: no upper limit
  }
}
