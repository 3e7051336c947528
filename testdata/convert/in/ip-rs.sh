#!/bin/bash
VIP=10.62.0.100
ip addr add $VIP/32 dev lo label lo:0
ip route add $VIP/32 dev lo
sysctl -w net.ipv4.conf.lo.arp_ignore=1
sysctl -w net.ipv4.conf.lo.arp_announce=2
sysctl -w net.ipv4.conf.all.arp_ignore=1
sysctl -w net.ipv4.conf.all.arp_announce=2
