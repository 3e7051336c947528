#!/bin/sh
# DR real server: the VIP with host scope under a label of its own, ARP
# quiet on eth0 as well, and no ICMP redirects.
VIP=10.90.0.100
ip addr add $VIP/32 dev lo label lo:web scope host
ip route add $VIP/32 dev lo
sysctl -w net.ipv4.conf.all.arp_ignore=3
sysctl -w net.ipv4.conf.all.arp_announce=2
sysctl -w net.ipv4.conf.lo.arp_ignore=3
sysctl -w net.ipv4.conf.lo.arp_announce=2
sysctl -w net.ipv4.conf.eth0.arp_ignore=3
sysctl -w net.ipv4.conf.eth0.arp_announce=2
sysctl -w net.ipv4.conf.all.accept_redirects=0
