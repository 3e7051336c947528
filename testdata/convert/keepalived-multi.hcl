# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.10.0.100"
}

director "keepalived-multi" {
  interface  = "eth0"
  vip_alias  = false
  ip_forward = "unmanaged"
  # keepalived-multi.conf:16: note: 10.10.0.100/24 dev eth0 label eth0:vip: VRRP (vrrp_instance VI_WEB) moves this VIP between the directors; lvsctl leaves it to keepalived (vip_alias = false)
  # keepalived-multi.conf:17: note: 10.10.0.101: VRRP (vrrp_instance VI_WEB) moves this VIP between the directors; lvsctl leaves it to keepalived (vip_alias = false)
  # keepalived-multi.conf:19: left out: notify_master "/usr/local/bin/became-master.sh": lvsctl runs no notify scripts; keep them in keepalived
  # keepalived-multi.conf:27: left out: sorry_server 10.10.0.250 80: the sorry server (used when every real server is down) needs keepalived's checkers; lvsctl cannot describe it yet
  # keepalived-multi.conf:32: left out: HTTP_GET { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
  # keepalived-multi.conf:44: left out: HTTP_GET { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
  # keepalived-multi.conf:82: left out: MISC_CHECK { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
  # keepalived-multi.conf:85: left out: notify_down "/usr/local/bin/alert.sh mysql1 down": lvsctl runs no notify scripts
  # keepalived-multi.conf: note: ip_forward = "unmanaged": the input serves NAT but leaves forwarding as it finds it, so lvsctl does too; remove the line to have lvsctl turn forwarding on, as NAT needs
}

virtual_server "http" {
  directors = ["keepalived-multi"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"
  weight    = 3

  server "10.10.0.11" {}
  server "10.10.0.12" {
    weight          = 1
    upper_threshold = 1000
    lower_threshold = 100
  }
}

virtual_server "dns" {
  directors  = ["keepalived-multi"]
  protocol   = "udp"
  vip        = "10.10.0.101"
  port       = 53
  scheduler  = "rr"
  one_packet = true
  method     = "dr"

  server "10.10.0.21" {}
  server "10.10.0.22" {}
}

virtual_server "fwmark7" {
  directors   = ["keepalived-multi"]
  fwmark      = 7
  scheduler   = "sh"
  flags       = ["sh-port"]
  persistence = 300
  method      = "dr"

  server "10.10.0.11" {}
}

virtual_server "mysql" {
  directors = ["keepalived-multi"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 3306
  scheduler = "lc"
  method    = "nat"

  server "192.168.50.11" {}
}
