# Written by lvsctl: the comments say what it could not describe.

variable "sns_vip" {
  type    = string
  default = "172.17.13.252"
}

director "ds1" {
  ssh {
    host = "ds1"
  }
  interface = "enp1s0"
  vip_alias = false
  # seed003-keepalived.conf:17: note: 172.17.13.252: VRRP (vrrp_instance VI_1) moves this VIP between the directors; lvsctl leaves it to keepalived (vip_alias = false)
  # seed003-keepalived.conf:30: left out: TCP_CHECK { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
  # seed003-keepalived.conf:39: left out: TCP_CHECK { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
}

virtual_server "http" {
  directors   = ["ds1"]
  protocol    = "tcp"
  vip         = var.sns_vip
  port        = 80
  scheduler   = "rr"
  persistence = 50
  method      = "dr"

  server "172.17.13.173" {}
  server "172.17.13.142" {}
}

real_server "rs1" {
  address = "172.17.13.142"
  ssh {
    host = "172.17.13.142"
  }
  # seed003-lvs-web.sh:6: left out: /sbin/route add -host 172.17.13.252 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.17.13.252 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed003-lvs-web.sh:11: left out: sysctl -p: applies /etc/sysctl.conf, which was not given; give it as NAME=FILE (with the host's NAME) to convert its settings
}

real_server "rs2" {
  address = "172.17.13.173"
  ssh {
    host = "172.17.13.173"
  }
  # seed003-lvs-web.sh:6: left out: /sbin/route add -host 172.17.13.252 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.17.13.252 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed003-lvs-web.sh:11: left out: sysctl -p: applies /etc/sysctl.conf, which was not given; give it as NAME=FILE (with the host's NAME) to convert its settings
}
