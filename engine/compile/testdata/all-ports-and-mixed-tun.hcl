# Port 0 with persistence (ipvsadm -A -t VIP:0 -p 1800) and servers of the
# other family behind a tunnel: an IPv6 service with an IPv4 tunnel server
# (its VIP goes on sit0, which decapsulates IPv6 in IPv4) and an IPv4
# service with an IPv6 tunnel server (ip6tnl0).
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
}

virtual_server "all-ports" {
  directors   = ["lvs1"]
  vip         = "10.0.0.100"
  port        = 0
  persistence = 1800

  server "10.0.0.11" {}
}

virtual_server "v6-over-v4" {
  directors = ["lvs1"]
  vip       = "2001:db8::100"
  port      = 80
  method    = "tun"

  server "10.1.0.11" {}
}

virtual_server "v4-over-v6" {
  directors = ["lvs1"]
  vip       = "10.0.0.101"
  port      = 80
  method    = "tun"

  server "[2001:db8:1::12]:80" {}
}

real_server "web1" {
  address = "10.0.0.11"
  netns   = "web1"
}

real_server "remote4" {
  address = "10.1.0.11"
  netns   = "remote4"
}

real_server "remote6" {
  address = "2001:db8:1::12"
  netns   = "remote6"
}
