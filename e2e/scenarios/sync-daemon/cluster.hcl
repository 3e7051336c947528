# Two directors with the IPVS sync daemon: lvs holds the VIP and sends its
# connections (master), lvs2 stands by with the same service and receives
# them (backup), as keepalived pairs do, so a takeover keeps them.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"

  sync_daemon "master" {
    interface = "eth0"
    sync_id   = 42
  }
}

director "lvs2" {
  netns     = "lvs2"
  vip_alias = false

  sync_daemon "backup" {
    interface = "eth0"
    sync_id   = 42
  }
}

virtual_server "web" {
  directors = ["lvs", "lvs2"]
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "rr"

  server "172.25.0.31" {}
  server "172.25.0.32" {}
}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}
