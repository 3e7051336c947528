#!/bin/bash
# seed 004's add, edit and delete steps, as one script
ipvsadm -A -t 192.168.4.5:80 -s wrr
ipvsadm -a -t 192.168.4.5:80 -r 192.168.2.100
ipvsadm -a -t 192.168.4.5:80 -r 192.168.2.200 -m -w 2
ipvsadm -a -t 192.168.4.5:80 -r 192.168.2.201 -m -w 3
ipvsadm -a -t 192.168.4.5:80 -r 192.168.2.202 -m -w 4
ipvsadm -E -t 192.168.4.5:80 -s rr
ipvsadm -e -t 192.168.4.5:80 -r 192.168.2.202 -g
ipvsadm -Ln
ipvsadm -A -t 192.168.4.5:3306 -s lc
ipvsadm -a -t 192.168.4.5:3306 -r 192.168.2.100 -m
ipvsadm -a -t 192.168.4.5:3306 -r 192.168.2.200 -m
ipvsadm -d -t 192.168.4.5:80 -r 192.168.2.201
ipvsadm -A -t 192.168.4.5:8080 -s rr
ipvsadm -D -t 192.168.4.5:8080
