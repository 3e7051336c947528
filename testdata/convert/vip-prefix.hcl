# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.68.0.100"
}

director "vip-prefix" {
  interface = "eth0"
  # vip-prefix.sh:3: left out: address 10.68.0.100/24 on eth0: lvsctl puts a VIP on one interface as /32 (/128) with the label IFACE:N; another prefix, label or interface cannot be described yet
  # vip-prefix.sh: differs: address 10.68.0.100/32 on eth0 (label eth0:0): lvsctl derives this address, which the input does not add
}

virtual_server "http" {
  directors = ["vip-prefix"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.68.0.11" {}
}
