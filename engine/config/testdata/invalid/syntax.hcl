director "lvs1" {
  interface = "eth0
}
