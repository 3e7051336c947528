# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.60.0.100"
}

director "c-loop" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["c-loop"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"
  weight    = 4

  server "10.60.0.11" {}
  server "10.60.0.12" {
    weight = 3
  }
  server "10.60.0.13" {
    weight = 2
  }
  server "10.60.0.14" {
    weight = 1
  }
}
