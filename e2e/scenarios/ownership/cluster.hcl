# The DR lab again; the director also carries a service and an address
# made by hand, which lvsctl must leave alone.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
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
