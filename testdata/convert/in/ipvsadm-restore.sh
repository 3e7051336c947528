#!/bin/bash
# the ipvsadm service's own start: the table comes from the saved file
ifconfig eth0:0 10.81.0.100 netmask 255.255.255.255 up
ipvsadm-restore < /etc/sysconfig/ipvsadm
