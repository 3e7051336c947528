# Written by lvsctl: the comments say what it could not describe.

director "keepalived-braces" {
  vip_alias = false
  # keepalived-braces.conf: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["keepalived-braces"]
  protocol  = "tcp"
  vip       = "10.40.0.100"
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.40.0.11" {}
  server "10.40.0.12" {
    weight = 2
  }
}
