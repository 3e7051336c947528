# Written by lvsctl: the comments say what it could not describe.

director "save-names" {
  vip_alias = false
  # save-names:1: note: www.example.com: resolved to 10.65.0.80 through the hosts file save-names.hosts, as ipvsadm would (its first IPv4 address)
  # save-names:2: note: web1.example.com: resolved to 10.65.0.12 through the hosts file save-names.hosts, as ipvsadm would (its first IPv4 address)
  # save-names: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["save-names"]
  protocol  = "tcp"
  vip       = "10.65.0.80"
  port      = 80
  scheduler = "wlc"
  method    = "dr"

  server "10.65.0.12" {}
}

virtual_server "https" {
  directors = ["save-names"]
  protocol  = "tcp"
  vip       = "10.65.0.100"
  port      = 443
  scheduler = "wlc"
  method    = "dr"

  server "10.65.0.11" {}
}
