director "lvs1" {
  interface = "eth0"
  vip_aliass = true
}

load_balancer "x" {}
