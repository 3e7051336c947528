director "lvs1" {
  interface  = "eth0"
  ip_forward = "maybe"

  vip "10.0.0.100" {
    interface = "eth1"
    label     = "eth0:vip"
    prefix    = 33
    scope     = "universe"
  }
  vip "10.0.0.199" {}
  vip "2001:db8::1" {
    interface = "eth1"
    label     = "eth1:6"
  }
  vip "10.0.0.1000" {}
  sysctls = {
    "net.ipv4.conf.all.send_redirects" = 2
    "net/ipv4/ip_forward"              = "1"
    "net.ipv4.conf.all.arp_ignore"     = "one"
    "net.core.somaxconn"               = ""
  }
}

director "lvs2" {
  interface  = "eth0"
  vip_alias  = false
  ip_forward = true

  vip "10.0.0.100" {}
  sysctls = {
    "net.ipv4.ip_forward" = 1
  }
}

virtual_server "web" {
  directors = ["lvs1", "lvs2"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

real_server "web1" {
  address        = "10.0.0.11"
  netns          = "web1"
  rp_filter      = 3
  arp_interfaces = ["eth0:1"]

  vip "10.0.0.100" {
    interface = "lo"
    label     = "lo:this-is-far-too-long"
  }
  vip "10.0.0.101" {}
}
