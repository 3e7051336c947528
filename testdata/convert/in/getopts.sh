#!/bin/bash
VIP=10.59.0.100
usage() { echo "usage: $0 -s | -d"; exit 1; }
while getopts "sd" opt; do
  case $opt in
    s) MODE=start ;;
    d) MODE=stop ;;
    *) usage ;;
  esac
done
[ -z "$MODE" ] && usage
if [ "$MODE" = start ]; then
  ifconfig eth0:0 $VIP netmask 255.255.255.255 up
  ipvsadm -A -t $VIP:80 -s rr
  ipvsadm -a -t $VIP:80 -r 10.59.0.11 -g
fi
