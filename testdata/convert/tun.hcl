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
  vip "198.51.100.80" {
    label = ""
  }
  ssh {
    host = "192.0.2.11"
  }
}

real_server "rs2" {
  address = "192.0.2.12"
  vip "198.51.100.80" {
    label = ""
  }
  ssh {
    host = "192.0.2.12"
  }
}
