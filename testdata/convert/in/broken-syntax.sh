#!/bin/bash
VIP=10.50.0.100
ipvsadm -A -t $VIP:80 -s rr
ipvsadm -a -t $VIP:80 -r 10.50.0.11 -g
if [ -n "$VIP" ]; then
    ipvsadm -a -t $VIP:80 -r 10.50.0.12 -g
# the fi is missing
ipvsadm -a -t $VIP:80 -r 10.50.0.13 -g
