director "lvs1" {
  interface = "eth0"
}

virtual_server "marked" {
  directors = ["lvs1"]
  fwmark    = 1
  protocol  = "tcp"
  port      = 80
}

virtual_server "half" {
  directors = ["lvs1"]
  protocol  = "tcp"
  vip       = "10.0.0.100"
}
