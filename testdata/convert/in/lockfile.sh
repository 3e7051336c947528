#!/bin/bash
# chkconfig: 2345 90 10
# description: LVS director with a lock file
LOCK=/var/lock/subsys/lvs
VIP=10.73.0.100
start() {
  [ -f $LOCK ] && { echo "already running"; exit 0; }
  ifconfig eth0:0 $VIP netmask 255.255.255.255 up
  ipvsadm -A -t $VIP:80 -s rr
  ipvsadm -a -t $VIP:80 -r 10.73.0.11 -g
  touch $LOCK
  logger "LVS started"
}
case "$1" in
  start) start ;;
  stop) rm -f $LOCK ;;
esac
