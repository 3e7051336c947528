#!/bin/bash
VIP=10.67.0.100
ifconfig eth0:5 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.67.0.11 -g
