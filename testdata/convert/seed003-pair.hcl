# Written by lvsctl: the comments say what it could not describe.

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

director "ds2" {
  ssh {
    host = "ds2"
  }
  interface = "enp1s0"
  vip_alias = false
  # seed003-keepalived-backup.conf:17: note: 172.17.13.252: VRRP (vrrp_instance VI_1) moves this VIP between the directors; lvsctl leaves it to keepalived (vip_alias = false)
  # seed003-keepalived-backup.conf:30: left out: TCP_CHECK { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
  # seed003-keepalived-backup.conf:39: left out: TCP_CHECK { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
}

virtual_server "http" {
  directors   = ["ds1", "ds2"]
  protocol    = "tcp"
  vip         = "172.17.13.252"
  port        = 80
  scheduler   = "rr"
  persistence = 50
  method      = "dr"

  server "172.17.13.173" {}
  server "172.17.13.142" {}
}
