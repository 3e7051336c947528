# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.92.0.100"
}

# Backup director: routes of its own, quiet ARP, and the sync daemon that
# receives the master's connections.
director "director-extras" {
  interface = "eth0"
  sysctls = {
    "net.ipv4.conf.all.arp_announce"   = 2
    "net.ipv4.conf.all.arp_ignore"     = 1
    "net.ipv4.conf.all.send_redirects" = 0
  }
  route {
    destination = "default"
    gateway     = "10.92.0.254"
    interface   = "eth0"
    metric      = 100
  }
  route {
    destination = "224.0.0.0/4"
    interface   = "eth1"
  }
  sync_daemon "backup" {
    interface = "eth1"
    sync_id   = 7
    group     = "224.0.0.90"
    port      = 8850
  }
}

virtual_server "http" {
  directors = ["director-extras"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 80
  scheduler = "wlc"
  method    = "dr"

  server "10.92.0.11" {}
}
