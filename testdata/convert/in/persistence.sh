#!/bin/bash
VIP=172.16.1.10
ifconfig eth0:0 $VIP netmask 255.255.255.255 broadcast $VIP up
# shopping cart: the same client always reaches the same server, per /24
ipvsadm -A -t $VIP:443 -s rr -p 600 -M 255.255.255.0
ipvsadm -a -t $VIP:443 -r 172.16.1.21 -g
ipvsadm -a -t $VIP:443 -r 172.16.1.22 -g
# plain http, persistent with the default timeout
ipvsadm -A -t $VIP:80 -s rr -p
ipvsadm -a -t $VIP:80 -r 172.16.1.21 -g
ipvsadm -a -t $VIP:80 -r 172.16.1.22 -g
