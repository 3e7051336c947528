director "lvs1" {
  interface = "eth0"
  ssh {
    user = "admin"
    port = 0
  }
}

director "lvs2" {
  interface = "eth0"
  ssh {
    host = "192.0.2.11"
  }
  ssh {
    host = "192.0.2.12"
  }
}
