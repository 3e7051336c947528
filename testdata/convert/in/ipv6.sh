#!/bin/bash
# IPv6 web service
VIP6=2001:db8:100::80
ip -6 addr add $VIP6/128 dev eth0
ipvsadm -A -t [$VIP6]:80 -s rr
ipvsadm -a -t [$VIP6]:80 -r [2001:db8:100::11]:80 -g
ipvsadm -a -t [$VIP6]:80 -r [2001:db8:100::12]:80 -g
