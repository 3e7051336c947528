# IPv6 TUN: the VIP/128 on ip6tnl0 of the real server, without a label, and
# no rp_filter or ARP sysctls (both IPv4 matters) and no host route.

director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
}

virtual_server "http6" {
  directors = ["lvs1"]
  vip       = "2001:db8::100"
  port      = 80
  method    = "tun"

  server "[2001:db8:1::11]:80" {}
}

real_server "remote1" {
  address = "2001:db8:1::11"
  netns   = "remote1"
}
