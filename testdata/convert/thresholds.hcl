# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.71.0.100"
}

director "thresholds" {
  interface = "eth0"
}

virtual_server "http" {
  directors = ["thresholds"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"
  weight    = 10

  server "10.71.0.11" {
    upper_threshold = 2000
    lower_threshold = 1500
  }
  server "10.71.0.12" {
    upper_threshold = 2000
    lower_threshold = 1500
  }
  server "10.71.0.13" {
    weight = 0
  }
}
