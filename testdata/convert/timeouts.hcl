# Written by lvsctl: the comments say what it could not describe.

director "timeouts" {
  vip_alias = false
  timeouts {
    tcp    = 600
    tcpfin = 120
    udp    = 300
  }
  # timeouts.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["timeouts"]
  protocol  = "tcp"
  vip       = "10.63.0.100"
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.63.0.11" {}
}
