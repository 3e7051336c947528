# Written by lvsctl: the comments say what it could not describe.

director "proxy" {
  ssh {
    host = "proxy"
  }
  interface = "eth0"
  vip "192.168.4.15" {
    prefix = 24
  }
}

virtual_server "http" {
  directors = ["proxy"]
  protocol  = "tcp"
  vip       = "192.168.4.15"
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "192.168.4.100" {}
  server "192.168.4.200" {}
}

real_server "web1" {
  address   = "192.168.4.100"
  vip_route = false
  ssh {
    host = "192.168.4.100"
  }
}

real_server "web2" {
  address   = "192.168.4.200"
  vip_route = false
  ssh {
    host = "192.168.4.200"
  }
}
