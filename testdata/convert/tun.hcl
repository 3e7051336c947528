# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "198.51.100.80"
}

# IP tunnelling to real servers in another data centre
director "lvs" {
  ssh {
    host = "lvs"
  }
  interface = "eth0"
}

virtual_server "http" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "tun"

  server "192.0.2.11" {}
  server "192.0.2.12" {
    weight = 2
  }
}

real_server "rs1" {
  address = "192.0.2.11"
  ssh {
    host = "192.0.2.11"
  }
  # tun-rs.sh:4: left out: address 198.51.100.80/32 on tunl0: lvsctl labels it tunl0:0; other labels cannot be described yet
}

real_server "rs2" {
  address = "192.0.2.12"
  ssh {
    host = "192.0.2.12"
  }
  # tun-rs.sh:4: left out: address 198.51.100.80/32 on tunl0: lvsctl labels it tunl0:0; other labels cannot be described yet
}
