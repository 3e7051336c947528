#!/bin/bash
# Backup director: routes of its own, quiet ARP, and the sync daemon that
# receives the master's connections.
VIP=10.92.0.100
ifconfig eth0:0 $VIP netmask 255.255.255.255 up
ip route add default via 10.92.0.254 dev eth0 metric 100
ip route add 224.0.0.0/4 dev eth1
echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
echo 0 > /proc/sys/net/ipv4/conf/all/send_redirects
ipvsadm -A -t $VIP:80 -s wlc
ipvsadm -a -t $VIP:80 -r 10.92.0.11 -g
ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 7 --mcast-group 224.0.0.90 --mcast-port 8850
