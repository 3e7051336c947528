director "lvs1" {
  interface = "eth0"
}

director "lvs2" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
}

virtual_server "www" {
  directors = ["lvs2", "lvs1"]
  protocol  = "tcp"
  vip       = "10.0.0.100"
  port      = 80
}

virtual_server "marked" {
  directors = ["lvs1"]
  fwmark    = 1
}

virtual_server "marked-again" {
  directors = ["lvs1"]
  fwmark    = 1
  family    = "inet"
}
