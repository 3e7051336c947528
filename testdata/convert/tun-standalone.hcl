# Written by lvsctl: the comments say what it could not describe.

# TUN real server of a director another team runs: loose reverse-path
# filtering instead of none, the VIP on tunl0 without a label.
real_server "rs1" {
  address   = "192.0.2.21"
  rp_filter = 2
  vip "198.51.100.90" {
    method = "tun"
    label  = ""
  }
}
