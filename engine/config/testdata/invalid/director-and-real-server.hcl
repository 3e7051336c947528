director "lvs1" {
  interface = "eth0"
  address   = "10.0.0.1"
  netns     = "box"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.1" {}
  server "10.0.0.11" {}
}

# The director's own address as a real server.
real_server "self" {
  address = "10.0.0.1"
}

# Another block for the director's network namespace.
real_server "web1" {
  address = "10.0.0.11"
  netns   = "box"
}
