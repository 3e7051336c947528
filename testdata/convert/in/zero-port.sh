#!/bin/bash
# every port of the VIP, persistent (FTP passive mode and friends)
VIP=10.80.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:0 -s rr -p 3600
ipvsadm -a -t $VIP:0 -r 10.80.0.11 -g
ipvsadm -A -t $VIP:21 -s rr -p 3600
ipvsadm -a -t $VIP:21 -r 10.80.0.11 -g
