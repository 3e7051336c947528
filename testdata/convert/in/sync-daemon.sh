#!/bin/bash
ipvsadm -A -t 10.64.0.100:80 -s rr
ipvsadm -a -t 10.64.0.100:80 -r 10.64.0.11 -g
ipvsadm --start-daemon master --mcast-interface eth1 --syncid 5
