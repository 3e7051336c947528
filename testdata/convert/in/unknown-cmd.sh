#!/bin/bash
VIP=10.78.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.78.0.11 -g
ethtool -K eth0 gro off
/usr/local/bin/register-with-consul.sh $VIP
