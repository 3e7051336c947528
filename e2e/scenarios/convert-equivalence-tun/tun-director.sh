#!/bin/bash
# IP tunnelling to real servers in another data centre
VIP=198.51.100.80
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s wlc
ipvsadm -a -t $VIP:80 -r 192.0.2.11 -i
ipvsadm -a -t $VIP:80 -r 192.0.2.12 -i -w 2
