director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
  server "[2001:db8::11]:80" {}
}

virtual_server "web6" {
  directors = ["lvs1"]
  vip       = "2001:db8::100"
  port      = 80
  family    = "inet"
}

virtual_server "marked" {
  directors = ["lvs1"]
  fwmark    = 7
  family    = "inet6"

  server "10.0.0.11:0" {}
}
