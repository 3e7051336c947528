#!/bin/bash
# NAT director: public VIP on eth0, real servers behind eth1 (DIP 192.168.100.1)
VIP=203.0.113.10
DIP=192.168.100.1
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ifconfig eth1 $DIP netmask 255.255.255.0 up
echo 1 > /proc/sys/net/ipv4/ip_forward
ipvsadm -A -t $VIP:80 -s wrr
ipvsadm -a -t $VIP:80 -r 192.168.100.11:8080 -m -w 3
ipvsadm -a -t $VIP:80 -r 192.168.100.12:8080 -m -w 1
