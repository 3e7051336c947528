#!/bin/bash
VIP=10.60.0.100
RIPS=(10.60.0.11 10.60.0.12 10.60.0.13 10.60.0.14)
WEIGHTS=(4 3 2 1)
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ipvsadm -A -t $VIP:80 -s wrr
for ((i = 0; i < ${#RIPS[@]}; i++)); do
  ipvsadm -a -t $VIP:80 -r ${RIPS[$i]} -g -w ${WEIGHTS[$i]}
done
