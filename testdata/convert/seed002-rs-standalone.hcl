# Written by lvsctl: the comments say what it could not describe.

# Script to start LVS DR real server.
# description: LVS DR real server
real_server "web1" {
  address = "172.25.0.31"
  vip "172.25.0.100" {
    method = "dr"
  }
  # seed002-lvs-rs:28: left out: /sbin/route add -host 172.25.0.100 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.25.0.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
}
