# boot = false: these hosts keep no state for `lvsctl boot` (no_boot in the
# desired state); rs2 keeps the default.
director "lvs" {
  interface = "eth0"
  boot      = false
}

virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "10.0.0.100"
  port      = 80
  server "10.0.0.31" {}
  server "10.0.0.32" {}
}

real_server "rs1" {
  address = "10.0.0.31"
  netns   = "rs1"
  boot    = false
}

real_server "rs2" {
  address = "10.0.0.32"
  netns   = "rs2"
}
