#!/bin/bash
# http and https of one client stay on one server: both ports marked 1
VIP=10.1.0.100
iptables -t mangle -A PREROUTING -d $VIP -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -f 1 -s wlc -p 1800
ipvsadm -a -f 1 -r 10.1.0.11 -g -w 5
ipvsadm -a -f 1 -r 10.1.0.12 -g -w 5
