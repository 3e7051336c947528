director "lvs1" {
  interface = "eth0"
}

# More servers than a service searches without a map (dupScanMax).
virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80

  server "10.0.0.1" {}
  server "10.0.0.2" {}
  server "10.0.0.3" {}
  server "10.0.0.4" {}
  server "10.0.0.5" {}
  server "10.0.0.6" {}
  server "10.0.0.7" {}
  server "10.0.0.8" {}
  server "10.0.0.9" {}
  server "10.0.0.10" {}
  server "10.0.0.11" {}
  server "10.0.0.12" {}
  server "10.0.0.13" {}
  server "10.0.0.14" {}
  server "10.0.0.15" {}
  server "10.0.0.16" {}
  server "10.0.0.17" {}
  server "10.0.0.18" {}
  server "10.0.0.7:80" {}
}
