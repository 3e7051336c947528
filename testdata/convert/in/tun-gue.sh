#!/bin/bash
VIP=10.79.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.79.1.11 -i --tun-type gue --tun-port 6080 --tun-csum
ipvsadm -a -t $VIP:80 -r 10.79.1.12 -i --tun-type gre
