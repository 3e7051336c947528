# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.77.0.100"
}

director "rhel-action" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["rhel-action"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"

  server "10.77.0.11" {}
}
