#!/bin/bash
IPVSADM=/sbin/ipvsadm
ipv=$(which ipvsadm)
VIP=10.56.0.100
[ -x $IPVSADM ] || { echo "ipvsadm not installed"; exit 1; }
/sbin/ifconfig eth0:0 $VIP netmask 255.255.255.255 up
$IPVSADM -A -t $VIP:80 -s lc
$ipv -a -t $VIP:80 -r 10.56.0.11 -g
${IPVSADM} -a -t $VIP:80 -r 10.56.0.12 -g
