# A server at a VIP of its own director: the director would send the VIP's
# traffic back to itself.

director "lvs" {
  netns     = "lvs"
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs"]
  vip       = "192.0.2.100"
  port      = 80

  server "192.0.2.100" {}
  server "192.0.2.101" {}
}

virtual_server "mail" {
  directors = ["lvs"]
  vip       = "192.0.2.101"
  port      = 25

  server "192.0.2.31" {}
}

real_server "web1" {
  netns   = "web1"
  address = "192.0.2.31"
}
