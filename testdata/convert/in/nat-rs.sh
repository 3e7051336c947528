#!/bin/bash
# NAT real server: replies go back through the director
route del default
route add default gw 192.168.100.1 dev eth0
