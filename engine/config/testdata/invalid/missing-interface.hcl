director "lvs1" {
  address = "10.0.0.1"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
}

virtual_server "api" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 443
}
