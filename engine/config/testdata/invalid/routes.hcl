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
  netns = "web1"
  address       = "10.0.0.11"
  arp_ignore    = 9
  vip_interface = "lo:0"

  route {
    destination = "10.1.0.1/24"
  }
  route {
    destination = "default"
    gateway     = "2001:db8::1"
  }
  route {
    destination = "10.2.0.0/16"
    gateway     = "2001:db8::1"
  }
}
