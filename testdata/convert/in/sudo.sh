#!/bin/bash
# run as an ordinary user with sudo rights
VIP=10.55.0.100
sudo ip addr add $VIP/32 dev ens192 label ens192:0
sudo -n /usr/sbin/ipvsadm -A -t $VIP:80 -s wrr
sudo /usr/sbin/ipvsadm -a -t $VIP:80 -r 10.55.0.11 -g -w 2
sudo -u root /usr/sbin/ipvsadm -a -t $VIP:80 -r 10.55.0.12 -g -w 1
echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward
