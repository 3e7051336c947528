#!/bin/sh
# Web farm director: DR, three real servers from a list.
VIP=10.0.0.100
RIPS="10.0.0.11 10.0.0.12 10.0.0.13"
PORT=80

ifconfig eth0:0 $VIP netmask 255.255.255.255 up
echo 1 > /proc/sys/net/ipv4/ip_forward
ipvsadm -C
# the web service
ipvsadm -A -t $VIP:$PORT -s wlc
for rip in $RIPS; do
    ipvsadm -a -t $VIP:$PORT -r $rip:$PORT -g -w 1
done
