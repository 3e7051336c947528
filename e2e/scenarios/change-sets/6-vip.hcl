# Step 6: a new VIP for the service: a replacement.

director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

# A second director with a service of its own, removed in the last step.
director "lvs2" {
  netns     = "lvs2"
  interface = "eth0"
  address   = "172.25.0.2"
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

virtual_server "web2" {
  directors = ["lvs2"]
  protocol  = "tcp"
  vip       = "172.25.0.102"
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
