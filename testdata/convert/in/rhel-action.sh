#!/bin/bash
. /etc/init.d/functions
IPVSADM=/sbin/ipvsadm
VIP=10.77.0.100
action "Adding VIP" /sbin/ifconfig eth0:0 $VIP netmask 255.255.255.255 up
action "Adding service" $IPVSADM -A -t $VIP:80 -s wlc
action "Adding web1" $IPVSADM -a -t $VIP:80 -r 10.77.0.11 -g
echo_success
