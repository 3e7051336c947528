# The same cluster without the sync daemons: lvsctl stops the ones it started.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
}

director "lvs2" {
  netns     = "lvs2"
  vip_alias = false
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
