#!/bin/bash
# one line per real server: service, server, weight
ifconfig eth0:0 10.57.0.100 netmask 255.255.255.255 up
ipvsadm -A -t 10.57.0.100:80 -s wrr
ipvsadm -A -t 10.57.0.100:443 -s wrr
while read svc rs w; do
    ipvsadm -a -t $svc -r $rs -g -w $w
done <<EOT
10.57.0.100:80 10.57.0.11 3
10.57.0.100:80 10.57.0.12 1
10.57.0.100:443 10.57.0.11 1
EOT
