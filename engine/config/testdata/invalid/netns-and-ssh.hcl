director "lvs1" {
  interface = "eth0"
  netns     = "lvs1"
  ssh {
    host = "192.0.2.10"
  }
}
