# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "192.168.10.50"
}

# lvs    Start/stop the LVS director
director "functions" {
  interface = "eth1"
}

virtual_server "http" {
  directors = ["functions"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "192.168.10.11" {}
  server "192.168.10.12" {}
}

virtual_server "https" {
  directors = ["functions"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 443
  scheduler = "wrr"
  method    = "dr"

  server "192.168.10.11" {}
  server "192.168.10.12" {}
}
