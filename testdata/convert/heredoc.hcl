# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.57.0.100"
}

# one line per real server: service, server, weight
director "heredoc" {
  interface = "eth0"
  # heredoc.sh:6: left out: read svc rs w: the script asks on the terminal and nothing answers; give the answer with --branch NAME
}

virtual_server "http" {
  directors = ["heredoc"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"
  method    = "dr"
  weight    = 3

  server "10.57.0.11" {}
  server "10.57.0.12" {
    weight = 1
  }
}

virtual_server "https" {
  directors = ["heredoc"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 443
  scheduler = "wrr"
  method    = "dr"

  server "10.57.0.11" {}
}
