# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.72.0.100"
}

director "sh-flags" {
  interface = "eth0"
  # sh-flags.sh:6: left out: ipvsadm -A -t 10.72.0.100:443 -s rr -b sh-port: the scheduler flags sh-port do nothing with scheduler rr; they are left out
}

virtual_server "http" {
  directors = ["sh-flags"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "sh"
  flags     = ["sh-fallback", "sh-port"]
  method    = "dr"

  server "10.72.0.11" {}
}

virtual_server "https" {
  directors = ["sh-flags"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 443
  scheduler = "rr"
  method    = "dr"

  server "10.72.0.11" {}
}
