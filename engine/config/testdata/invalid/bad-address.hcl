director "lvs1" {
  interface = "eth0"
  address   = "10.0.0.256"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "web.example.com"
  port      = 80

  server "10.0.0.11:http" {}
  server "10.0.0" {}
  server "[10.0.0.12]" {}
}

real_server "web1" {
  address = "fe80::1%eth0"
}
