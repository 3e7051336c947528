locals {
  bad_host   = cidrhost("10.0.0.0/30", 4)
  bad_subnet = cidrsubnet("10.0.0.0/24", 9, 0)
  not_cidr   = cidrhost("10.0.0.1", 1)
  unknown    = nosuchfunc(1)
}
