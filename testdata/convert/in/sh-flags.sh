#!/bin/bash
VIP=10.72.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s sh -b sh-port,flag-1
ipvsadm -a -t $VIP:80 -r 10.72.0.11 -g
ipvsadm -A -t $VIP:443 -s rr -b sh-port
ipvsadm -a -t $VIP:443 -r 10.72.0.11 -g
