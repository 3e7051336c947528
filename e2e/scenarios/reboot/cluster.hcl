# Seed 002's DR lab in the VM: the director lvs balances 172.25.0.100:80
# round-robin over rs1 and rs2, which answer directly (DR). Each host is a
# network namespace of the VM.
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
