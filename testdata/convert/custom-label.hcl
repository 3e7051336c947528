# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.67.0.100"
}

director "custom-label" {
  interface = "eth0"
  # custom-label.sh:3: left out: address 10.67.0.100/32 on eth0 (label eth0:5): lvsctl labels it eth0:0; other labels cannot be described yet
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
