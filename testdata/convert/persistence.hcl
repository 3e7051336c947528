# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "172.16.1.10"
}

director "persistence" {
  interface = "eth0"
}

# shopping cart: the same client always reaches the same server, per /24
virtual_server "https" {
  directors           = ["persistence"]
  protocol            = "tcp"
  vip                 = var.vip
  port                = 443
  scheduler           = "rr"
  persistence         = 600
  persistence_netmask = 24
  method              = "dr"

  server "172.16.1.21" {}
  server "172.16.1.22" {}
}

# plain http, persistent with the default timeout
virtual_server "http" {
  directors   = ["persistence"]
  protocol    = "tcp"
  vip         = var.vip
  port        = 80
  scheduler   = "rr"
  persistence = 360
  method      = "dr"

  server "172.16.1.21" {}
  server "172.16.1.22" {}
}
