# Director settings: ip_forward = false is written as 0 (with a warning,
# the services use NAT); unset with no NAT is left alone; timeouts,
# own_all_services, vip_alias = false, ssh, fwmark services (no alias) and
# persistence with a netmask.
director "lvs1" {
  ssh {
    host = "192.0.2.10"
    user = "admin"
  }
  interface        = "eth0"
  address          = "10.0.0.1"
  ip_forward       = false
  own_all_services = true
  timeouts {
    tcp    = 900
    tcpfin = 120
    udp    = 300
  }
}

director "lvs2" {
  netns     = "lvs2"
  interface = "eth0"
  vip_alias = false
}

director "lvs3" {
  netns     = "lvs3"
  interface = "eth0"
}

virtual_server "nat" {
  directors = ["lvs1"]
  vip       = "192.0.2.100"
  port      = 80
  method    = "nat"

  server "10.0.0.11" {}
}

virtual_server "sticky" {
  directors           = ["lvs2", "lvs3"]
  vip                 = "192.0.2.101"
  port                = 443
  scheduler           = "sh"
  flags               = ["sh-port"]
  persistence         = 300
  persistence_netmask = "255.255.255.0"

  server "10.0.0.21" {}
}

virtual_server "marked" {
  directors = ["lvs3"]
  fwmark    = 1
  scheduler = "rr"

  server "10.0.0.21:0" {}
}

real_server "web" {
  address = "10.0.0.11"
  netns   = "web"
}

real_server "marked" {
  address = "10.0.0.21"
  netns   = "marked"
}
