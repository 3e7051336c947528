# Every problem is reported in one run, not just the first.
director "lvs1" {
  interface = "eth0"
  netns     = "lvs1"
  ssh {
    host = "192.0.2.10"
  }
}

virtual_server "web" {
  directors = ["lvs2"]
  vip       = "10.0.0.300"
  port      = 80
  scheduler = "lcc"
  method    = "dr"

  server "10.0.0.11:8080" {}
  server "10.0.0.12" {
    weight = 100000
  }

  dynamic "server" {
    for_each = 42
    labels   = [server.value]
    content {}
  }
}
