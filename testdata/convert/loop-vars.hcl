# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.0.0.100"
}

# Web farm director: DR, three real servers from a list.
director "loop-vars" {
  interface  = "eth0"
  ip_forward = true
}

# the web service
virtual_server "http" {
  directors = ["loop-vars"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"

  server "10.0.0.11" {}
  server "10.0.0.12" {}
  server "10.0.0.13" {}
}
