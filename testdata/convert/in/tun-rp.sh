#!/bin/sh
# TUN real server of a director another team runs: loose reverse-path
# filtering instead of none, the VIP on tunl0 without a label.
VIP=198.51.100.90
modprobe ipip
ip link set tunl0 up
ip addr add $VIP/32 dev tunl0
echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter
echo 2 > /proc/sys/net/ipv4/conf/tunl0/rp_filter
echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
echo 1 > /proc/sys/net/ipv4/conf/tunl0/arp_ignore
echo 2 > /proc/sys/net/ipv4/conf/tunl0/arp_announce
