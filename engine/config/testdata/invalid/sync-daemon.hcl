director "lvs1" {
  interface = "eth0"

  sync_daemon "primary" {
    interface = "eth0"
  }
  sync_daemon "master" {
    interface = "eth0"
    sync_id   = 256
    group     = "10.0.0.1"
    ttl       = 0
  }
  sync_daemon "master" {
    interface = "eth1"
  }
  sync_daemon "backup" {}
}

virtual_server "web6" {
  directors = ["lvs1"]
  vip       = "2001:db8::100"
  port      = 80
  method    = "tun"

  server "10.0.0.11" {}
}
