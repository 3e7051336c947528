# A director that is also a real server of its own service: something else
# (keepalived) holds the VIP, so lvsctl aliases nothing on the director and
# the VIP is hidden on lo of the real server at the same address.

director "lvs1" {
  ssh {
    host = "192.0.2.1"
  }
  address   = "10.0.0.1"
  vip_alias = false
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.1" {}
  server "10.0.0.11" {}
}

real_server "lvs1-web" {
  ssh {
    host = "192.0.2.1"
  }
  address = "10.0.0.1"
}

real_server "web1" {
  ssh {
    host = "10.0.0.11"
  }
  address = "10.0.0.11"
}
