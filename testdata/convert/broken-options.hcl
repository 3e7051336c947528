# Written by lvsctl: the comments say what it could not describe.

variable "vip" {
  type    = string
  default = "10.52.0.100"
}

director "broken-options" {
  vip_alias = false
  # broken-options.sh:3: would fail: ipvsadm -A -t 10.52.0.100:80 -s wwr: the kernel has no scheduler wwr (ipvsadm: Scheduler not found); the command changes nothing
  # broken-options.sh:5: would fail: ipvsadm -a -t 10.52.0.100:443 -r 10.52.0.11 -g -w 70000: ipvsadm rejects it (illegal weight "70000": upstream ipvsadm takes 0..65535 (Debian's takes more, which lvsctl cannot describe)); the command changes nothing
  # broken-options.sh:7: would fail: ipvsadm -a -t 10.52.0.100:443 -r 10.52.0.11 -g -w 3: the server 10.52.0.11:443 is in tcp/10.52.0.100:443 already (ipvsadm: Destination already exists); the command changes nothing
  # broken-options.sh:8: would fail: ipvsadm -a -t 10.52.0.100:8443 -r 10.52.0.11 -g: no such service tcp/10.52.0.100:8443 (ipvsadm: No such service); the command changes nothing
  # broken-options.sh:9: would fail: ipvsadm -A -t 10.52.0.100:443 -s wlc: the service tcp/10.52.0.100:443 exists already (ipvsadm: Service already exists); the command changes nothing
  # broken-options.sh: note: no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias
}

virtual_server "https" {
  directors = ["broken-options"]
  protocol  = "tcp"
  vip       = var.vip
  port      = 443
  scheduler = "rr"
  method    = "dr"
  weight    = 2

  server "10.52.0.11" {}
}
