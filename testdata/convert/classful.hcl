# Written by lvsctl: the comments say what it could not describe.

# no netmask: ifconfig gives the class B mask
director "classful" {
  interface = "eth0"
  vip "172.20.0.100" {
    prefix = 16
  }
  # classful.sh:3: note: ifconfig eth0:0 172.20.0.100 up: no netmask: ifconfig gives 172.20.0.100 the class's /16
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
