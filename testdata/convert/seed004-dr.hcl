# Written by lvsctl: the comments say what it could not describe.

director "proxy" {
  ssh {
    host = "proxy"
  }
  interface = "eth0"
  # seed004-ifcfg-eth0:0:6: left out: address 192.168.4.15/24 on eth0 (label eth0:0): lvsctl puts a VIP on one interface as /32 (/128) with the label IFACE:N; another prefix, label or interface cannot be described yet
  # seed004-dr-director.sh, seed004-ifcfg-eth0:0: differs: address 192.168.4.15/32 on eth0 (label eth0:0): lvsctl derives this address, which the input does not add
}

virtual_server "http" {
  directors = ["proxy"]
  protocol  = "tcp"
  vip       = "192.168.4.15"
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "192.168.4.100" {}
  server "192.168.4.200" {}
}

real_server "web1" {
  address   = "192.168.4.100"
  vip_route = false
  ssh {
    host = "192.168.4.100"
  }
}

real_server "web2" {
  address   = "192.168.4.200"
  vip_route = false
  ssh {
    host = "192.168.4.200"
  }
}
