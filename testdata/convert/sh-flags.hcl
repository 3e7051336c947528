# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.72.0.100"
}

director "sh-flags" {
  interface = "eth0"
  # sh-flags.sh:6: would fail: ipvsadm -A -t 10.72.0.100:443 -s rr -b sh-port: ipvsadm refuses the flag sh-port with scheduler rr (incompatible scheduler flag); the command changes nothing
  # sh-flags.sh:7: would fail: ipvsadm -a -t 10.72.0.100:443 -r 10.72.0.11 -g: no such service tcp/10.72.0.100:443 (ipvsadm: No such service); the command changes nothing
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
