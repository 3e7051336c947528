# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "203.0.113.10"
}

# NAT director: public VIP on eth0, real servers behind eth1 (DIP 192.168.100.1)
director "lvs" {
  ssh {
    host = "192.168.100.1"
  }
  interface  = "eth0"
  address    = "192.168.100.1"
  ip_forward = true
  # nat-director.sh:6: left out: address 192.168.100.1/24 on eth1: the director's own address is not managed by lvsctl; it stays as the system configures it
  # nat-director.sh: note: DIP=192.168.100.1: taken as this host's own address
}

virtual_server "http" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "nat"
  weight    = 3

  server "192.168.100.11:8080" {}
  server "192.168.100.12:8080" {
    weight = 1
  }
}

# NAT real server: replies go back through the director
real_server "web1" {
  address = "192.168.100.11"
  route {
    destination = "default"
    gateway     = "192.168.100.1"
    interface   = "eth0"
  }
  ssh {
    host = "192.168.100.11"
  }
  # nat-rs.sh:3: left out: route del default: removes the host's default route, which lvsctl cannot do; a route block with destination "default" adds one
}

real_server "web2" {
  address = "192.168.100.12"
  route {
    destination = "default"
    gateway     = "192.168.100.1"
    interface   = "eth0"
  }
  ssh {
    host = "192.168.100.12"
  }
  # nat-rs.sh:3: left out: route del default: removes the host's default route, which lvsctl cannot do; a route block with destination "default" adds one
}
