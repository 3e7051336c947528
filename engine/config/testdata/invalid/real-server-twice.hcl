director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

real_server "web1" {
  address = "10.0.0.11"
  netns   = "web1"
}

real_server "web1-again" {
  address = "10.0.0.11"
  netns   = "web1b"
}
