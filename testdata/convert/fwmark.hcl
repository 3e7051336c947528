# Written by lvsctl: the comments say what it could not describe.

# http and https of one client stay on one server: both ports marked 1
director "fwmark" {
  vip_alias = false
  # fwmark.sh:5: left out: address 10.1.0.100/32 on eth0 (label eth0:0): an alias that is no service's VIP (a fwmark service's VIP is in its iptables rule): lvsctl places only the VIPs of a director's services
}

virtual_server "fwmark1" {
  directors   = ["fwmark"]
  fwmark      = 1
  scheduler   = "wlc"
  persistence = 1800
  method      = "dr"
  weight      = 5

  server "10.1.0.11" {}
  server "10.1.0.12" {}
}
