#!/bin/bash
# Two VIPs on two networks: the web VIP on a numbered alias, the API VIP
# on eth1 with its network's prefix and a label of its own.
WEB_VIP=10.90.0.100
API_VIP=10.91.0.100
ifconfig eth0:2 $WEB_VIP netmask 255.255.255.255 up
ip addr add $API_VIP/24 dev eth1 label eth1:vip
ipvsadm -A -t $WEB_VIP:80 -s wrr
ipvsadm -a -t $WEB_VIP:80 -r 10.90.0.11 -g
ipvsadm -a -t $WEB_VIP:80 -r 10.90.0.12 -g -w 2
ipvsadm -A -t $API_VIP:8080 -s rr
ipvsadm -a -t $API_VIP:8080 -r 10.91.0.21 -g
