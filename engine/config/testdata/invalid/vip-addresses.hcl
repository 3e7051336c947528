# VIPs that are not addresses of their own: a host's address, and addresses
# no client can reach.

director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "192.0.2.1"
}

virtual_server "dip" {
  directors = ["lvs"]
  vip       = "192.0.2.1"
  port      = 80
  server "192.0.2.31" {}
}

virtual_server "rip" {
  directors = ["lvs"]
  vip       = "192.0.2.31"
  port      = 81
  server "192.0.2.32" {}
}

virtual_server "any" {
  directors = ["lvs"]
  vip       = "0.0.0.0"
  port      = 82
  server "192.0.2.31" {}
}

virtual_server "loopback" {
  directors = ["lvs"]
  vip       = "127.0.0.1"
  port      = 83
  server "192.0.2.31" {}
}

virtual_server "multicast" {
  directors = ["lvs"]
  vip       = "ff02::1"
  port      = 84
  server "2001:db8::31" {}
}

real_server "web1" {
  netns   = "web1"
  address = "192.0.2.31"
}
