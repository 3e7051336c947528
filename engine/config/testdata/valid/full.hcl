# Every attribute, with locals out of order, functions and a dynamic block.

locals {
  servers = [for i in range(local.count) : cidrhost(local.net, 11 + i)]
  net     = cidrsubnet("10.0.0.0/16", 8, 0)
  count   = 2
}

director "lvs1" {
  netns            = "lvs1"
  interface        = "eth0.100"
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
  ssh {
    host          = "192.0.2.10"
    port          = 2222
    identity_file = "~/.ssh/id_ed25519"
  }
  vip_alias = false
}

real_server "web1" {
  address       = local.servers[0]
  arp_ignore    = 2
  arp_announce  = 1
  vip_interface = "dummy0"
  vip_route     = false
  ssh {
    host = "10.0.0.11"
    user = upper("ops")
  }
  route {
    destination = "default"
    gateway     = "10.0.0.254"
    interface   = "eth1"
    metric      = 10
    table       = 100
  }
  route {
    destination = "2001:db8:1::/48"
    gateway     = "2001:db8::1"
  }
}

virtual_server "web" {
  directors           = ["lvs1", "lvs2"]
  vip                 = "10.0.0.100"
  port                = 80
  scheduler           = "sh"
  flags               = ["sh-port", "sh-fallback"]
  persistence         = 300
  persistence_netmask = "255.255.255.0"
  weight              = 3

  dynamic "server" {
    for_each = local.servers
    labels   = [server.value]
    content {
      upper_threshold = 100 * (server.key + 1)
      lower_threshold = 50
    }
  }
}

virtual_server "dns" {
  directors  = ["lvs1"]
  protocol   = "udp"
  vip        = "10.0.0.100"
  port       = 53
  one_packet = true
  method     = "tun"

  server "10.0.0.21:53" {
    tunnel_type     = "gue"
    tunnel_port     = 6080
    tunnel_checksum = "remcsum"
  }
  server "10.0.0.22" {
    weight = 0
  }
}

virtual_server "marked6" {
  directors           = ["lvs1"]
  fwmark              = 7
  family              = "inet6"
  scheduler           = "mh"
  flags               = ["mh-port"]
  persistence         = 60
  persistence_netmask = 64
  method              = "nat"

  server "[2001:db8::11]:0" {}
  server "2001:db8::12" {}
}
