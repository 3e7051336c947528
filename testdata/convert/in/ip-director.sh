#!/bin/bash
VIP=10.62.0.100
ip link set eth0 up
ip addr add $VIP/32 dev eth0 label eth0:0
ip route add 10.99.0.0/16 via 10.62.0.1 dev eth0
ipvsadm -A -t $VIP:80 -s wlc
ipvsadm -a -t $VIP:80 -r 10.62.0.11 -g
ipvsadm -a -t $VIP:80 -r 10.62.0.12 -g
ip addr show dev eth0
