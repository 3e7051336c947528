# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.73.0.100"
}

# description: LVS director with a lock file
director "lockfile" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["lockfile"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "10.73.0.11" {}
}
