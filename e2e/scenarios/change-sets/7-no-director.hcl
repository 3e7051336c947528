# Step 7: lvs2 and its service are removed from the file.

director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.101"
  port      = 80
  scheduler = "wrr"
  method    = "tun"

  server "172.25.0.31" {
    weight = 3
  }
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
