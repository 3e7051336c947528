# Real servers described alone: their director (keepalived, another team) is
# not in the file, so each declares its VIPs and how they are reached. A
# service in the file may still derive a VIP; the declaration then agrees.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
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
    method = "dr"
  }
  vip "10.0.0.200" {
    method    = "dr"
    interface = "lo"
    label     = "lo:ext"
  }
}

real_server "remote1" {
  address = "10.1.0.11"
  netns   = "remote1"

  vip "10.0.0.201" {
    method = "tun"
  }
}
