# The seed 002 DR lab (VIP 172.25.0.100, real servers from 172.25.0.31 on)
# grown to two directors and 40 real servers, written once with variables,
# locals, range() and dynamic blocks instead of 40 copies.

variable "vip" {
  type    = string
  default = "172.25.0.100"
}

variable "real_servers" {
  type        = number
  default     = 40
  description = "how many web servers, numbered from 172.25.0.31"
}

variable "directors" {
  type = map(string)
  default = {
    lvs1 = "172.25.0.11"
    lvs2 = "172.25.0.12"
  }
}

locals {
  # Built from local.first_rip, declared below: locals resolve in any order.
  rips = [for i in range(var.real_servers) : cidrhost("172.25.0.0/24", local.first_rip + i)]
  first_rip = 31
  hosts     = { for i, rip in local.rips : format("web%02d", i + 1) => rip }
}

dynamic "director" {
  for_each = var.directors
  labels   = [director.key]
  content {
    ssh {
      host = director.value
    }
    interface = "ens34"
    address   = director.value
  }
}

virtual_server "web" {
  directors = keys(var.directors)
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wrr"

  dynamic "server" {
    for_each = local.rips
    labels   = [server.value]
    content {
      # the second half are newer machines
      weight = server.key < var.real_servers / 2 ? 1 : 2
    }
  }
}

dynamic "real_server" {
  for_each = local.hosts
  labels   = [real_server.key]
  content {
    address = real_server.value
    ssh {
      host = real_server.value
    }
  }
}
