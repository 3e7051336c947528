# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.55.0.100"
}

# run as an ordinary user with sudo rights
director "sudo" {
  interface  = "ens192"
  ip_forward = true
}

virtual_server "http" {
  directors = ["sudo"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"
  weight    = 2

  server "10.55.0.11" {}
  server "10.55.0.12" {
    weight = 1
  }
}
