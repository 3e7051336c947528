#!/bin/bash
# ARP only on "all", no host route
VIP=10.62.0.100
ifconfig lo:0 $VIP netmask 255.255.255.255 up
sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
