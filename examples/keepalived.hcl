# Seed 003 (keepalived): two directors, DS1 MASTER (172.17.13.120) and DS2
# BACKUP (172.17.13.123) on enp1s0, share the VIP 172.17.13.252 through VRRP,
# and both carry the keepalived virtual_server 172.17.13.252 80: lb_algo rr,
# lb_kind DR, persistence_timeout 50, real servers 172.17.13.142 and
# 172.17.13.173 with weight 1. keepalived moves the VIP, so lvsctl does not
# alias it (vip_alias = false); the real servers' lvs-web.sh part (VIP on lo:0,
# ARP sysctls, host route) is derived.

director "ds1" {
  ssh {
    host = "172.17.13.120"
  }
  interface = "enp1s0"
  address   = "172.17.13.120"
  vip_alias = false # VRRP (vrrp_instance VI_1, state MASTER) holds the VIP
}

director "ds2" {
  ssh {
    host = "172.17.13.123"
  }
  interface = "enp1s0"
  address   = "172.17.13.123"
  vip_alias = false # state BACKUP
}

virtual_server "web" {
  directors   = ["ds1", "ds2"]
  protocol    = "tcp"
  vip         = "172.17.13.252"
  port        = 80
  scheduler   = "rr"
  persistence = 50
  method      = "dr"
  weight      = 1

  server "172.17.13.173:80" {}
  server "172.17.13.142:80" {}
}

real_server "rs1" {
  address = "172.17.13.142"
  ssh {
    host = "172.17.13.142"
  }
}

real_server "rs2" {
  address = "172.17.13.173"
  ssh {
    host = "172.17.13.173"
  }
}
