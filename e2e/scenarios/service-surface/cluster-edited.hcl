# Every kind of IPVS service lvsctl can declare, on one director: each
# scheduler (ports 8001-8013, sh and mh with their flags), persistence with
# a netmask, one-packet UDP, a firewall mark, SCTP, IPv6, and the echo
# service that carries a long-lived connection across the edit.
# This is the EDITED version: schedulers, weights and persistence change
# in place; nothing here may delete and recreate a service.

director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}

virtual_server "sched-rr" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8001
  scheduler = "wlc"
  server "172.25.0.31" {}
}

virtual_server "sched-wrr" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8002
  scheduler = "wrr"
  server "172.25.0.31" {}
}

virtual_server "sched-lc" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8003
  scheduler = "lc"
  weight    = 7
  server "172.25.0.31" {}
}

virtual_server "sched-wlc" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8004
  scheduler = "wlc"
  server "172.25.0.31" {}
}

virtual_server "sched-lblc" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8005
  scheduler = "lblc"
  server "172.25.0.31" {}
}

virtual_server "sched-lblcr" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8006
  scheduler = "lblcr"
  server "172.25.0.31" {}
}

virtual_server "sched-dh" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8007
  scheduler = "dh"
  server "172.25.0.31" {}
}

virtual_server "sched-sh" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8008
  scheduler = "sh"
  flags     = ["sh-fallback", "sh-port"]
  server "172.25.0.31" {}
}

virtual_server "sched-sed" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8009
  scheduler = "sed"
  server "172.25.0.31" {}
}

virtual_server "sched-nq" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8010
  scheduler = "nq"
  server "172.25.0.31" {}
}

virtual_server "sched-fo" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8011
  scheduler = "fo"
  server "172.25.0.31" {}
}

virtual_server "sched-ovf" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8012
  scheduler = "ovf"
  server "172.25.0.31" {}
}

virtual_server "sched-mh" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 8013
  scheduler = "mh"
  flags     = ["mh-fallback", "mh-port"]
  server "172.25.0.31" {}
}

virtual_server "persistent" {
  directors           = ["lvs"]
  protocol            = "tcp"
  vip                 = "172.25.0.100"
  port                = 443
  persistence         = 600
  persistence_netmask = "255.255.0.0"
  server "172.25.0.31" {}
  server "172.25.0.32" {}
}

virtual_server "dns" {
  directors  = ["lvs"]
  protocol   = "udp"
  vip        = "172.25.0.100"
  port       = 53
  scheduler  = "rr"
  one_packet = true
  server "172.25.0.31" {}
  server "172.25.0.32" {
    weight = 3
  }
}

virtual_server "marked" {
  directors = ["lvs"]
  fwmark    = 1
  scheduler = "rr"
  server "172.25.0.31" {}
}

virtual_server "diameter" {
  directors = ["lvs"]
  protocol  = "sctp"
  vip       = "172.25.0.100"
  port      = 3868
  scheduler = "wrr"
  server "172.25.0.31" {}
}

virtual_server "web6" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "2001:db8::100"
  port      = 80
  scheduler = "rr"
  server "[2001:db8::31]:80" {}
}

virtual_server "echo" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 7000
  scheduler = "wrr"
  server "172.25.0.31" {
    weight = 5
  }
}
