director "lvs1" {
  interface = "eth0"
}

virtual_server "a" {
  directors           = ["lvs1"]
  vip                 = "10.0.0.100"
  port                = 80
  persistence         = 300
  persistence_netmask = "255.0.255.0"
}

virtual_server "b" {
  directors           = ["lvs1"]
  vip                 = "10.0.0.100"
  port                = 443
  persistence         = 300
  persistence_netmask = 33
}

virtual_server "c" {
  directors           = ["lvs1"]
  vip                 = "2001:db8::100"
  port                = 80
  persistence         = 300
  persistence_netmask = "255.255.255.0"
}

virtual_server "d" {
  directors           = ["lvs1"]
  vip                 = "2001:db8::100"
  port                = 443
  persistence         = 300
  persistence_netmask = 64 # fine
}
