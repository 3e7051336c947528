# Seed 004's NAT lab: the director proxy answers on its own address
# 192.168.4.5 and forwards to web1 and web2 on the inner network
# 192.168.2.0/24, rewriting port 80 to 8080. The web servers' default route
# via the director's inner address and ip_forward are derived.
director "proxy" {
  netns     = "proxy"
  interface = "eth0"
  address   = "192.168.2.5"
  vip_alias = false
}

virtual_server "web" {
  directors = ["proxy"]
  protocol  = "tcp"
  vip       = "192.168.4.5"
  port      = 80
  scheduler = "rr"
  method    = "nat"

  server "192.168.2.100:8080" {}
  server "192.168.2.200:8080" {}
}

real_server "web1" {
  netns   = "web1"
  address = "192.168.2.100"
}

real_server "web2" {
  netns   = "web2"
  address = "192.168.2.200"
}
