# Written by lvsctl: the comments say what it could not describe.

director "sync-daemon" {
  vip_alias = false
  sync_daemon "master" {
    interface = "eth1"
    sync_id   = 5
  }
  # sync-daemon.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["sync-daemon"]
  protocol  = "tcp"
  vip       = "10.64.0.100"
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.64.0.11" {}
}
