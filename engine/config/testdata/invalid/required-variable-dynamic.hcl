# A required variable left unset: one error, not one more per block
# generated from it ("not yet known").

variable "rips" {
  type = list(string)
}

director "lvs" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs"]
  vip       = "192.0.2.100"
  port      = 80
  dynamic "server" {
    for_each = var.rips
    labels   = [server.value]
    content {}
  }
}
