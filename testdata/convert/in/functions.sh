#!/bin/bash
# lvs    Start/stop the LVS director
VIP="192.168.10.50"
IFACE=eth1

add_vip() {
    /sbin/ip addr add ${VIP}/32 dev ${IFACE} label ${IFACE}:0
}

add_service() {
    local port=$1 sched=$2
    shift 2
    /sbin/ipvsadm -A -t ${VIP}:${port} -s ${sched}
    for rs in "$@"; do
        /sbin/ipvsadm -a -t ${VIP}:${port} -r ${rs} -g
    done
}

start() {
    add_vip
    add_service 80 wrr 192.168.10.11 192.168.10.12
    add_service 443 wrr 192.168.10.11 192.168.10.12
}

stop() {
    /sbin/ipvsadm -C
    /sbin/ip addr del ${VIP}/32 dev ${IFACE}
}

case "$1" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    *) echo "Usage: $0 {start|stop|restart}"; exit 1 ;;
esac
