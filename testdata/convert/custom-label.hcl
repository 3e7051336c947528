# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.67.0.100"
}

director "custom-label" {
  interface = "eth0"
  vip "10.67.0.100" {
    interface = "eth0"
    label     = "eth0:5"
  }
}

virtual_server "http" {
  directors = ["custom-label"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.67.0.11" {}
}
