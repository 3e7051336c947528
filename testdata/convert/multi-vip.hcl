# Written by lvsctl: the comments say what it could not describe.

variable "web_vip" {
  type    = string
  default = "10.70.0.100"
}

variable "api_vip" {
  type    = string
  default = "10.70.0.200"
}

director "multi-vip" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["multi-vip"]
  protocol  = "tcp"
  vip       = var.web_vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"

  server "10.70.0.11" {}
  server "10.70.0.12" {}
}

virtual_server "https" {
  directors = ["multi-vip"]
  protocol  = "tcp"
  vip       = var.web_vip
  port      = 443
  scheduler = "wlc"
  method    = "dr"

  server "10.70.0.11" {}
  server "10.70.0.12" {}
}

virtual_server "http-alt" {
  directors = ["multi-vip"]
  protocol  = "tcp"
  vip       = var.api_vip
  port      = 8080
  scheduler = "rr"
  method    = "dr"

  server "10.70.0.21" {}
}
