director "lvs1" {
  interface = "eth0"
}

director "lvs1" {
  interface = "eth1"
}

real_server "lvs1" {
  netns = "lvs1"
  address = "10.0.0.11"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 443
}
