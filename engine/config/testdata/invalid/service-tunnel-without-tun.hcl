director "lvs1" {
  interface = "eth0"
}

# tunnel_type on a DR service: no server tunnels.
virtual_server "web" {
  directors   = ["lvs1"]
  vip         = "10.0.0.100"
  port        = 80
  tunnel_type = "gue"

  server "10.0.0.11" {}
}

# A tun service whose every server overrides the method.
virtual_server "api" {
  directors   = ["lvs1"]
  vip         = "10.0.0.101"
  port        = 443
  method      = "tun"
  tunnel_type = "gre"

  server "10.0.0.11" {
    method = "dr"
  }
  server "10.0.0.12:8443" {
    method = "nat"
  }
}

# Fine: one server tunnels, and takes the service's tunnel_type.
virtual_server "mixed" {
  directors   = ["lvs1"]
  vip         = "10.0.0.102"
  port        = 80
  tunnel_type = "gre"

  server "10.0.0.11" {}
  server "10.0.0.13" {
    method = "tun"
  }
}
