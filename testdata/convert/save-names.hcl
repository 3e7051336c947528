# Written by lvsctl: the comments say what it could not describe.

director "save-names" {
  vip_alias = false
  # save-names:1: left out: -A -t www.example.com:http -s wlc: names a host instead of an address; resolve it with --resolve (or --hosts FILE), or write the address (ipvsadm-save -n does)
  # save-names:2: left out: -a -t www.example.com:http -r web1.example.com:http -g -w 1: names a host instead of an address; resolve it with --resolve (or --hosts FILE), or write the address (ipvsadm-save -n does)
  # save-names: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "https" {
  directors = ["save-names"]
  protocol  = "tcp"
  vip       = "10.65.0.100"
  port      = 443
  scheduler = "wlc"
  method    = "dr"

  server "10.65.0.11" {}
}
