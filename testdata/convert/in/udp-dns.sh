#!/bin/bash
# DNS resolvers behind one address
VIP=10.2.0.53
ip addr add $VIP/32 dev eth0 label eth0:0
for proto in -t -u; do
  ipvsadm -A $proto $VIP:53 -s rr
  ipvsadm -a $proto $VIP:53 -r 10.2.0.11 -g
  ipvsadm -a $proto $VIP:53 -r 10.2.0.12 -g
done
ipvsadm -E -u $VIP:53 -s rr -o
