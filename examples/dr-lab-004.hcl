# Seed 004 (lab guide), LVS-DR lab: the proxy (DIP 192.168.4.5) carries the VIP
# 192.168.4.15 on eth0:0 and balances tcp/80 with wrr, -g -w 1, over web1
# (192.168.4.100) and web2 (192.168.4.200). Each web server has the VIP on lo:0
# (ifcfg-lo:0, netmask 255.255.255.255) and the four sysctl.conf lines
# net.ipv4.conf.{all,lo}.arp_ignore = 1 and arp_announce = 2, all derived.

director "proxy" {
  ssh {
    host = "192.168.4.5"
  }
  interface = "eth0"
  address   = "192.168.4.5"
}

virtual_server "web" {
  directors = ["proxy"]
  protocol  = "tcp"
  vip       = "192.168.4.15"
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "192.168.4.100:80" {
    weight = 1
  }
  server "192.168.4.200:80" {
    weight = 1
  }
}

real_server "web1" {
  address = "192.168.4.100"
  ssh {
    host = "192.168.4.100"
  }
}

real_server "web2" {
  address = "192.168.4.200"
  ssh {
    host = "192.168.4.200"
  }
}
