# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.80.0.100"
}

# every port of the VIP, persistent (FTP passive mode and friends)
director "zero-port" {
  interface = "eth0"
}

virtual_server "all-ports" {
  directors   = ["zero-port"]
  protocol    = "tcp"
  vip         = var.vip
  port        = 0
  scheduler   = "rr"
  persistence = 3600
  method      = "dr"

  server "10.80.0.11" {}
}

virtual_server "ftp" {
  directors   = ["zero-port"]
  protocol    = "tcp"
  vip         = var.vip
  port        = 21
  scheduler   = "rr"
  persistence = 3600
  method      = "dr"

  server "10.80.0.11" {}
}
