#!/bin/bash
# the same script on lvs1 and lvs2 (a pair behind a VRRP-less router)
VIP=10.75.0.100
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.75.0.11 -g
ipvsadm -a -t $VIP:80 -r 10.75.0.12 -g
