# Written by lvsctl: the comments say what it could not describe.

# the ipvsadm service's own start: the table comes from the saved file
real_server "ipvsadm-restore" {
  address = "10.81.0.100"
  # ipvsadm-restore.sh:3: left out: reads /etc/sysconfig/ipvsadm: the file was not given, so it reads as empty; settings it holds are missing from the output
  # ipvsadm-restore.sh:3: left out: address 10.81.0.100/32 on eth0 (label eth0:0): lvsctl manages only the VIPs it derives or a vip block declares; this address is not one of them
  # ipvsadm-restore.sh:4: left out: ipvsadm-restore: restores rules from its standard input; convert that file with --from ipvsadm-save
}
