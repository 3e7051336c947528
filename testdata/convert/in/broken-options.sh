#!/bin/bash
VIP=10.52.0.100
ipvsadm -A -t $VIP:80 -s wwr
ipvsadm -A -t $VIP:443 -s rr
ipvsadm -a -t $VIP:443 -r 10.52.0.11 -g -w 70000
ipvsadm -a -t $VIP:443 -r 10.52.0.11 -g -w 2
ipvsadm -a -t $VIP:443 -r 10.52.0.11 -g -w 3
ipvsadm -a -t $VIP:8443 -r 10.52.0.11 -g
ipvsadm -A -t $VIP:443 -s wlc
