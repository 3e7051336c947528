# Seed 002 (LVS overview), DR lab: the /etc/init.d/lvs-director script puts the
# VIP 172.25.0.100 on ens34:0, turns ip_forward on and balances tcp/80 with wrr
# over three real servers (-g -w 1); /etc/init.d/lvs-rs hides the VIP on lo:0
# of each real server with arp_ignore=1, arp_announce=2 and a host route.
# lvsctl derives the real-server half from the service below.

director "lvs" {
  ssh {
    host = "172.25.0.11"
  }
  interface  = "ens34"
  address    = "172.25.0.11" # DIP=172.25.0.11 in the script
  ip_forward = true          # echo 1 > /proc/sys/net/ipv4/ip_forward
}

virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "wrr"
  method    = "dr"
  weight    = 1

  server "172.25.0.31" {}
  server "172.25.0.32" {}
  server "172.25.0.33" {}
}

real_server "web1" {
  address = "172.25.0.31"
  ssh {
    host = "172.25.0.31"
  }
}

real_server "web2" {
  address = "172.25.0.32"
  ssh {
    host = "172.25.0.32"
  }
}

real_server "web3" {
  address = "172.25.0.33"
  ssh {
    host = "172.25.0.33"
  }
}
