# An IPv4 service whose real server is reached only over IPv6: IPv4 in IPv6
# tunnel packets (ipvsadm -a -t VIP:80 -r [RIP6]:80 -i). lvsctl puts the VIP
# on the real server's ip6tnl0 and warns that ip6tnl0 must be in mode any.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

virtual_server "web" {
  directors = ["lvs"]
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "rr"
  method    = "tun"

  server "[2001:db8::31]:80" {}
}

real_server "rs1" {
  netns   = "rs1"
  address = "2001:db8::31"
}
