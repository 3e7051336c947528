#!/bin/bash
VIP=10.51.0.100
RIP1=10.51.0.11
RIP2=10.51.0.12
ipvsadm -A -t $VIP:80 -s wrr
ipvsadm -a -t $VIP:80 -r $RIP1 -g -w 1
ipvsadm -a -t $VIP:80 -r $RIP2 -g -w 1
# RIP3 was never set: ipvsadm gets no real server
ipvsadm -a -t $VIP:80 -r $RIP3 -g -w 1
