#!/bin/bash
VIP=10.69.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
echo 0 > /proc/sys/net/ipv4/conf/all/send_redirects
echo 0 > /proc/sys/net/ipv4/conf/eth0/send_redirects
echo 1 > /proc/sys/net/ipv4/vs/expire_nodest_conn
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.69.0.11 -g
