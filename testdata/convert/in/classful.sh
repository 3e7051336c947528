#!/bin/bash
# no netmask: ifconfig gives the class B mask
ifconfig eth0:0 172.20.0.100 up
ipvsadm -A -t 172.20.0.100:80 -s rr
ipvsadm -a -t 172.20.0.100:80 -r 172.20.0.11 -g
