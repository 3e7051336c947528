# IPv6: /128 aliases without labels, the VIP/128 on lo with its host route
# and no ARP sysctls for a v6-only real server; IPv6 NAT turns on
# net.ipv6.conf.all.forwarding; the default route ::/0 via the director.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
  address   = "2001:db8::1"
}

virtual_server "http6" {
  directors = ["lvs1"]
  vip       = "2001:db8::100"
  port      = 80

  server "[2001:db8::11]:80" {}
}

virtual_server "nat6" {
  directors = ["lvs1"]
  vip       = "2001:db8::101"
  port      = 80
  method    = "nat"

  server "[2001:db8::12]:8080" {}
}

real_server "web1" {
  address = "2001:db8::11"
  netns   = "web1"
}

real_server "web2" {
  address = "2001:db8::12"
  netns   = "web2"
}
