# The DR lab with own_all_services: the hand-made service goes, the
# hand-made address stays (own_all_services is about services only).
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
  # lvsctl owns the whole IPVS table: services it did not create go.
  own_all_services = true
}

virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "rr"
  method    = "dr"

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
