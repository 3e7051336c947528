#!/bin/bash

VIP=10.61.0.100

ifconfig eth0:0 $VIP netmask 255.255.255.255 up

ipvsadm -A -t $VIP:80 -s rr

ipvsadm -a -t $VIP:80 -r 10.61.0.11 -g

ipvsadm -a -t $VIP:80 -r 10.61.0.12 -g

