# Seed 002's DR lab with the director reached over SSH: sshd runs in the
# director's namespace, lvsctl runs in the client's, and the real servers
# are namespaces reached directly. The ssh_config the scenario writes maps
# "lvs" to 172.25.0.1.
director "lvs" {
  ssh { host = "lvs" }
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
