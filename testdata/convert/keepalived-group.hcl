# Written by lvsctl: the comments say what it could not describe.

director "keepalived-group" {
  vip_alias = false
  # keepalived-group.conf:14: left out: TCP_CHECK { ... }: health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside
  # keepalived-group.conf: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors           = ["keepalived-group"]
  protocol            = "tcp"
  vip                 = "10.20.0.100"
  port                = 80
  scheduler           = "rr"
  persistence         = 60
  persistence_netmask = 24
  method              = "dr"
  weight              = 2

  server "10.20.0.11" {}
  server "10.20.0.12" {}
}

virtual_server "http-2" {
  directors           = ["keepalived-group"]
  protocol            = "tcp"
  vip                 = "10.20.0.101"
  port                = 80
  scheduler           = "rr"
  persistence         = 60
  persistence_netmask = 24
  method              = "dr"
  weight              = 2

  server "10.20.0.11" {}
  server "10.20.0.12" {}
}

virtual_server "http-3" {
  directors           = ["keepalived-group"]
  protocol            = "tcp"
  vip                 = "10.20.0.102"
  port                = 80
  scheduler           = "rr"
  persistence         = 60
  persistence_netmask = 24
  method              = "dr"
  weight              = 2

  server "10.20.0.11" {}
  server "10.20.0.12" {}
}

virtual_server "http-4" {
  directors           = ["keepalived-group"]
  protocol            = "tcp"
  vip                 = "10.20.0.110"
  port                = 80
  scheduler           = "rr"
  persistence         = 60
  persistence_netmask = 24
  method              = "dr"
  weight              = 2

  server "10.20.0.11" {}
  server "10.20.0.12" {}
}
