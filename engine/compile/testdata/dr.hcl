# DR: one alias per VIP on the director (tcp/80 and tcp/443 share 10.0.0.100:
# eth0:0; 10.0.0.101 is eth0:1), the VIPs on lo of the real servers with the
# ARP sysctls and host routes. 10.0.0.13 is an unmanaged server: no target.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
  scheduler = "wrr"

  server "10.0.0.11" {
    weight = 2
  }
  server "10.0.0.12" {}
  server "10.0.0.13" {}
}

virtual_server "https" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 443

  server "10.0.0.11" {}
}

virtual_server "api" {
  directors = ["lvs1"]
  vip       = "10.0.0.101"
  port      = 8080

  server "10.0.0.11" {}
  server "10.0.0.12" {}
}

real_server "web1" {
  address = "10.0.0.11"
  netns   = "web1"
}

real_server "web2" {
  address = "10.0.0.12"
  netns   = "web2"
}
