# Written by lvsctl: the comments say what it could not describe.

director "save-v6-fwmark" {
  vip_alias  = false
  ip_forward = "unmanaged"
  # save-v6-fwmark: note: ip_forward = "unmanaged": the input serves NAT but leaves forwarding as it finds it, so lvsctl does too; remove the line to have lvsctl turn forwarding on, as NAT needs
}

virtual_server "https" {
  directors           = ["save-v6-fwmark"]
  protocol            = "tcp"
  vip                 = "2001:db8:66::100"
  port                = 443
  scheduler           = "wlc"
  persistence         = 300
  persistence_netmask = 64
  method              = "dr"

  server "2001:db8:66::11" {}
  server "2001:db8:66::12" {}
}

virtual_server "fwmark10" {
  directors = ["save-v6-fwmark"]
  fwmark    = 10
  family    = "inet6"
  scheduler = "rr"
  method    = "dr"

  server "2001:db8:66::11" {}
}

virtual_server "udp514" {
  directors  = ["save-v6-fwmark"]
  protocol   = "udp"
  vip        = "10.66.0.100"
  port       = 514
  scheduler  = "rr"
  one_packet = true
  method     = "nat"

  server "10.66.0.11" {}
}
