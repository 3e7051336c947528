# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.50.0.100"
}

director "broken-syntax" {
  vip_alias = false
  # broken-syntax.sh:5: would fail: syntax error: `if` statement must end with `fi`; bash stops the script here, so nothing after this line is converted
  # broken-syntax.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["broken-syntax"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.50.0.11" {}
}
