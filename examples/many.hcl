# The seed 002 DR lab (VIP 172.25.0.100, real servers from 172.25.0.31 on,
# director interface ens34) grown to two directors and 40 real servers: each
# director balances its own VIP over its half of the web servers (DNS puts
# both VIPs behind one name). Written once with variables, locals, range()
# and dynamic blocks instead of 40 copies.

variable "real_servers" {
  type        = number
  default     = 40
  description = "how many web servers, numbered from 172.25.0.31"
}

variable "directors" {
  type = map(object({ dip = string, vip = string }))
  default = {
    lvs1 = { dip = "172.25.0.11", vip = "172.25.0.100" }
    lvs2 = { dip = "172.25.0.12", vip = "172.25.0.101" }
  }
}

locals {
  # Locals resolve in dependency order, whatever order they are written in.
  halves = {
    for i, name in keys(var.directors) :
    name => slice(local.rips, i * local.per_director, (i + 1) * local.per_director)
  }
  per_director = floor(var.real_servers / length(var.directors))
  rips         = [for i in range(var.real_servers) : cidrhost("172.25.0.0/24", local.first_rip + i)]
  first_rip    = 31
  hosts        = { for i, rip in local.rips : format("web%02d", i + 1) => rip }
}

dynamic "director" {
  for_each = var.directors
  labels   = [director.key]
  content {
    ssh {
      host = director.value.dip
    }
    interface = "ens34"
    address   = director.value.dip
  }
}

dynamic "virtual_server" {
  for_each = var.directors
  labels   = ["web-${virtual_server.key}"]
  content {
    directors = [virtual_server.key]
    protocol  = "tcp"
    vip       = virtual_server.value.vip
    port      = 80
    scheduler = "wrr"

    dynamic "server" {
      for_each = local.halves[virtual_server.key]
      labels   = [server.value]
      content {
        # the second half of each group are newer, bigger machines
        weight = server.key < local.per_director / 2 ? 1 : 2
      }
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
