variable "rip1" {
  default = "10.0.0.11"
}

director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "${var.rip1}:80" {}
}
