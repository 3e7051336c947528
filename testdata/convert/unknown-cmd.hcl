# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.78.0.100"
}

director "unknown-cmd" {
  interface = "eth0"
  # unknown-cmd.sh:6: left out: ethtool -K eth0 gro off: not a command lvsctl convert knows; check what it does and describe it by hand
  # unknown-cmd.sh:7: left out: /usr/local/bin/register-with-consul.sh 10.78.0.100: not a command lvsctl convert knows; check what it does and describe it by hand
}

virtual_server "http" {
  directors = ["unknown-cmd"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.78.0.11" {}
}
