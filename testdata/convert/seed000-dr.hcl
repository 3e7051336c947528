# Written by lvsctl: the comments say what it could not describe.

director "ds" {
  ssh {
    host = "ds"
  }
  interface  = "ens33"
  ip_forward = true
  route {
    destination = "172.17.253.100"
    interface   = "ens33"
  }
  # seed000-director.sh:1: left out: setenf orce 0清空防火墙策略,关闭selinux策略: not a command lvsctl convert knows; check what it does and describe it by hand
  # seed000-director.sh:3: left out: route add -host 172.17.253.100 dev ens33:0: through the alias ens33:0 the kernel also gives the route the source address 172.17.253.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
  # seed000-director.sh:7: left out: sysctl -p 使修改的内核配置参数生效: applies 使修改的内核配置参数生效, which was not given; give it as NAME=FILE (with the host's NAME) to convert its settings
}

virtual_server "http" {
  directors = ["ds"]
  protocol  = "tcp"
  vip       = "172.17.253.100"
  port      = 80
  scheduler = "wrr"
  method    = "dr"

  server "172.17.253.132" {}
  server "172.17.253.253" {}
}

real_server "rs1" {
  address = "172.17.253.132"
  ssh {
    host = "172.17.253.132"
  }
  # seed000-rs.sh:3: left out: route add -host 172.17.253.100 lo:0: through the alias lo:0 the kernel also gives the route the source address 172.17.253.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
}

real_server "rs2" {
  address = "172.17.253.253"
  ssh {
    host = "172.17.253.253"
  }
  # seed000-rs.sh:3: left out: route add -host 172.17.253.100 lo:0: through the alias lo:0 the kernel also gives the route the source address 172.17.253.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
}
