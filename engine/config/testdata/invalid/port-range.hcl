director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 0
}

virtual_server "api" {
  directors = ["lvs1"]
  vip       = "10.0.0.101"
  port      = 65536
}

virtual_server "app" {
  directors = ["lvs1"]
  vip       = "10.0.0.102"
  port      = 8080
  method    = "nat"

  server "10.0.0.11:0" {}
  server "10.0.0.12:70000" {}
}

virtual_server "marked" {
  directors = ["lvs1"]
  fwmark    = 1

  server "10.0.0.11:0" {} # fine: a firewall-mark service's servers may use port 0
}

# All ports, persistent: fine, but a server port makes no sense.
virtual_server "all-ports" {
  directors   = ["lvs1"]
  vip         = "10.0.0.109"
  port        = 0
  persistence = 1800

  server "10.0.0.13:80" {}
}
