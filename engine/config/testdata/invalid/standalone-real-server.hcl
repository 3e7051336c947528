director "lvs1" {
  interface = "eth0"

  vip "10.0.0.100" {
    method = "dr"
  }
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

real_server "web1" {
  address = "10.0.0.11"
  netns   = "web1"

  vip "10.0.0.100" {
    method = "tun"
  }
  vip "10.0.0.200" {
    method = "nat"
  }
  vip "10.0.0.201" {
    method = "dsr"
  }
}
