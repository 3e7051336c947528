#!/bin/bash
VIP=10.58.0.100
PS3="Choose: "
select action in start stop status; do
  case $action in
    start)
      ifconfig eth0:0 $VIP netmask 255.255.255.255 up
      ipvsadm -A -t $VIP:80 -s rr
      ipvsadm -a -t $VIP:80 -r 10.58.0.11 -g
      ipvsadm -a -t $VIP:80 -r 10.58.0.12 -g
      break ;;
    stop)
      ipvsadm -C
      break ;;
    status)
      ipvsadm -Ln ;;
  esac
done
