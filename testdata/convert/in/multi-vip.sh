#!/bin/bash
WEB_VIP=10.70.0.100
API_VIP=10.70.0.200
ifconfig eth0:0 $WEB_VIP netmask 255.255.255.255 up
ifconfig eth0:1 $API_VIP netmask 255.255.255.255 up
for port in 80 443; do
  ipvsadm -A -t $WEB_VIP:$port -s wlc
  ipvsadm -a -t $WEB_VIP:$port -r 10.70.0.11 -g
  ipvsadm -a -t $WEB_VIP:$port -r 10.70.0.12 -g
done
ipvsadm -A -t $API_VIP:8080 -s rr
ipvsadm -a -t $API_VIP:8080 -r 10.70.0.21 -g
