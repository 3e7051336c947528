# Written by lvsctl: the comments say what it could not describe.

# no netmask: ifconfig gives the class B mask
director "classful" {
  interface = "eth0"
  # classful.sh:3: note: ifconfig eth0:0 172.20.0.100 up: no netmask: ifconfig gives 172.20.0.100 the class's /16
  # classful.sh:3: left out: address 172.20.0.100/16 on eth0 (label eth0:0): lvsctl puts a VIP on one interface as /32 (/128) with the label IFACE:N; another prefix, label or interface cannot be described yet
  # classful.sh: differs: address 172.20.0.100/32 on eth0 (label eth0:0): lvsctl derives this address, which the input does not add
}

virtual_server "http" {
  directors = ["classful"]
  protocol  = "tcp"
  vip       = "172.20.0.100"
  port      = 80
  scheduler = "rr"
  method    = "dr"

  server "172.20.0.11" {}
}
