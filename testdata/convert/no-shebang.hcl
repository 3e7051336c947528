# Written by lvsctl: the comments say what it could not describe.

director "no-shebang" {
  vip_alias  = false
  ip_forward = true
  # no-shebang.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "smtp" {
  directors = ["no-shebang"]
  protocol  = "tcp"
  vip       = "10.54.0.100"
  port      = 25
  scheduler = "lc"
  method    = "nat"

  server "10.54.0.11" {}
  server "10.54.0.12" {}
}
