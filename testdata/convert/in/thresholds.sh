#!/bin/bash
VIP=10.71.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s wlc
ipvsadm -a -t $VIP:80 -r 10.71.0.11 -g -w 10 -x 2000 -y 1500
ipvsadm -a -t $VIP:80 -r 10.71.0.12 -g -w 10 -x 2000 -y 1500
ipvsadm -a -t $VIP:80 -r 10.71.0.13 -g -w 0
