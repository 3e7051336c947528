# NAT: ip_forward derived on the director; the default route via the
# director's address; a declared default route wins; a real server behind
# directors with different addresses gets the first one and a warning; one
# without any director address gets a warning and no route.
director "lvs1" {
  netns     = "lvs1"
  interface = "eth0"
  address   = "10.0.0.1"
}

director "lvs2" {
  netns     = "lvs2"
  interface = "eth0"
  address   = "10.0.0.2"
}

director "lvs3" {
  netns     = "lvs3"
  interface = "eth0"
}

virtual_server "http" {
  directors = ["lvs1"]
  vip       = "192.0.2.100"
  port      = 80
  method    = "nat"

  server "10.0.0.11:8080" {}
  server "10.0.0.12:8080" {}
}

virtual_server "shared" {
  directors = ["lvs2", "lvs1"]
  vip       = "192.0.2.101"
  port      = 80
  method    = "nat"

  server "10.0.0.13" {}
}

virtual_server "lonely" {
  directors = ["lvs3"]
  vip       = "192.0.2.102"
  port      = 80
  method    = "nat"

  server "10.0.0.14" {}
}

real_server "web1" {
  address = "10.0.0.11"
  netns   = "web1"
}

real_server "web2" {
  address = "10.0.0.12"
  netns   = "web2"
  route {
    destination = "default"
    gateway     = "10.0.0.254"
  }
}

real_server "web3" {
  address = "10.0.0.13"
  netns   = "web3"
}

real_server "web4" {
  address = "10.0.0.14"
  netns   = "web4"
}
