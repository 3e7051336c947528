director "lvs1" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 80
  scheduler = "wrr"
  flags     = ["sh-port"]
}

virtual_server "api" {
  directors = ["lvs1"]
  vip       = "10.0.0.100"
  port      = 443
  scheduler = "mh"
  flags     = ["mh-port", "sh-fallback", "mh-fallbak"]
}
