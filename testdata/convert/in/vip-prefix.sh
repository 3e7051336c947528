#!/bin/bash
VIP=10.68.0.100
ip addr add $VIP/24 dev eth0
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.68.0.11 -g
