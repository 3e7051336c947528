# Only the hosts of a cluster set up by hand: how to reach each, and the
# real servers' addresses. lvsctl import reads the rest from them.
director "lvs" {
  netns = "lvs"
}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}
