# Every service gone: the director stays in the file, so lvsctl removes what
# it created there (services, VIP aliases). The real servers are no longer
# in the file and are left alone.
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}
