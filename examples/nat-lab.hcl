# Seed 004 (lab guide), LVS-NAT lab: the proxy answers on 192.168.4.5 and
# forwards to web1 (192.168.2.100) and web2 (192.168.2.200) with -m; the web
# servers' default gateway is the proxy's inner address 192.168.2.5, and the
# proxy forwards (net.ipv4.ip_forward = 1). The same guide's warm-up adds a
# MySQL service on 192.168.4.5:3306 with lc.

director "proxy" {
  ssh {
    host = "192.168.4.5"
  }
  interface = "eth0"
  address   = "192.168.2.5" # the DIP: default gateway of the NAT real servers
  # 192.168.4.5 is the proxy's own address on eth0 in this lab, not an alias.
  vip_alias = false
  # ip_forward is derived: on, because the services use NAT.
}

virtual_server "web" {
  directors = ["proxy"]
  protocol  = "tcp"
  vip       = "192.168.4.5"
  port      = 80
  scheduler = "wrr"
  method    = "nat"
  weight    = 1

  # NAT rewrites the destination, so the servers may listen on another port:
  # here httpd listens on 8080 (the lab's own servers use 80).
  server "192.168.2.100:8080" {}
  server "192.168.2.200:8080" {}
}

virtual_server "mysql" {
  directors = ["proxy"]
  protocol  = "tcp"
  vip       = "192.168.4.5"
  port      = 3306
  scheduler = "lc"
  method    = "nat"

  server "192.168.2.100" {}
  server "192.168.2.200" {}
}

# The default route via 192.168.2.5 is derived for both web servers.
real_server "web1" {
  address = "192.168.2.100"
  ssh {
    host = "192.168.2.100"
  }
}

real_server "web2" {
  address = "192.168.2.200"
  ssh {
    host = "192.168.2.200"
  }
}
