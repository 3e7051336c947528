#!/bin/bash
ipvsadm -A -t 10.63.0.100:80 -s rr
ipvsadm -a -t 10.63.0.100:80 -r 10.63.0.11 -g
# shorter TCP timeout, leave tcpfin as it is
ipvsadm --set 600 0 300
