# The IPVS sync daemon: lvs1 sends its connections (master), lvs2 receives
# them (backup) and can take over without breaking them; lvs3 runs both, as
# directors that swap roles do, with every setting given.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"

  sync_daemon "master" {
    interface = "eth0"
    sync_id   = 10
  }
}

director "lvs2" {
  netns     = "lvs2"
  interface = "eth0"

  sync_daemon "backup" {
    interface = "eth0"
    sync_id   = 10
  }
}

director "lvs3" {
  netns     = "lvs3"
  vip_alias = false

  sync_daemon "master" {
    interface = "eth1"
    sync_id   = 20
    group     = "239.1.1.1"
    port      = 8850
    ttl       = 2
    max_len   = 1400
  }
  sync_daemon "backup" {
    interface = "eth1"
    sync_id   = 20
    group     = "ff02::8848"
  }
}

virtual_server "web" {
  directors = ["lvs1", "lvs2", "lvs3"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}
