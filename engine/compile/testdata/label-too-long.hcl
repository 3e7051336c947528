# Alias labels are at most 15 bytes: interface names of 14 or 15 bytes leave
# no room for ":0", on the director and on the real server alike.
director "lvs1" {
  netns     = "lvs1"
  interface = "enp0s20f0u1u2c"
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.11" {}
}

real_server "web1" {
  address       = "10.0.0.11"
  netns         = "web1"
  vip_interface = "veth-abcdefghi"
}
