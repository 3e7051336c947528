#!/bin/bash
VIP=10.74.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
sysctl -p /etc/sysctl.conf
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.74.0.11:80 -m
