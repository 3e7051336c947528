# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.51.0.100"
}

director "broken-undefined" {
  vip_alias = false
  # broken-undefined.sh:9: would fail: ipvsadm -a -t 10.51.0.100:80 -r -g -w 1: ipvsadm rejects it (illegal real server address "-g": missing address); the command changes nothing
  # broken-undefined.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "http" {
  directors = ["broken-undefined"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "10.51.0.11" {}
  server "10.51.0.12" {}
}
