# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "172.25.0.100"
}

# LVS script for DR
director "lvs" {
  ssh {
    host = "172.25.0.11"
  }
  interface  = "ens34"
  address    = "172.25.0.11"
  ip_forward = true
  route {
    destination = "172.25.0.100"
    interface   = "ens34"
  }
  # seed002-lvs-director:17: left out: /sbin/route add -host 172.25.0.100 dev ens34:0: through the alias ens34:0 the kernel also gives the route the source address 172.25.0.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed002-lvs-director: note: DIP=172.25.0.11: taken as this host's own address
}

# Add an IP virtual service for VIP 192.168.0.219 port 80
# In this recipe, we will use the round-robin scheduling method.
# In production, however, you should use a weighted, dynamic scheduling method.
virtual_server "http" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "172.25.0.31" {}
  server "172.25.0.32" {}
  server "172.25.0.33" {}
}

# Script to start LVS DR real server.
# description: LVS DR real server
real_server "web1" {
  address = "172.25.0.31"
  ssh {
    host = "172.25.0.31"
  }
  # seed002-lvs-rs:28: left out: /sbin/route add -host 172.25.0.100 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.25.0.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed002-lvs-rs: note: real server web1: the input does not say its address; it takes 172.25.0.31, the next server of virtual_server "http" (name it NAME@ADDRESS=FILE to choose)
}

real_server "web2" {
  address = "172.25.0.32"
  ssh {
    host = "172.25.0.32"
  }
  # seed002-lvs-rs:28: left out: /sbin/route add -host 172.25.0.100 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.25.0.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed002-lvs-rs: note: real server web2: the input does not say its address; it takes 172.25.0.32, the next server of virtual_server "http" (name it NAME@ADDRESS=FILE to choose)
}

real_server "web3" {
  address = "172.25.0.33"
  ssh {
    host = "172.25.0.33"
  }
  # seed002-lvs-rs:28: left out: /sbin/route add -host 172.25.0.100 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.25.0.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed002-lvs-rs: note: real server web3: the input does not say its address; it takes 172.25.0.33, the next server of virtual_server "http" (name it NAME@ADDRESS=FILE to choose)
}
