# reboot: apply leaves on each host what it needs to come back by itself.
# After a "reboot" (the director's IPVS table flushed, the VIPs, routes and
# ARP settings gone from the namespaces) the boot unit's own command puts
# the cluster back: real servers first, ARP suppressed before the VIP
# appears, then the director; requests flow through the VIP again.
need_lvsctl
vip=172.25.0.100

step "the DR lab, applied; the boot root stands for / and runs systemd"
lab_dr
mkdir -p "$LVSCTL_BOOT_ROOT/run/systemd/system"
apply cluster.hcl
expect_no_changes cluster.hcl
expect_alternation client $vip 80 rs1 rs2

step "what apply left: each host's state beside its record, and the enabled unit"
for h in lvs rs1 rs2; do
	[ -s "$LVSCTL_RECORD_DIR/boot/netns-$h.json" ] || fail "no state kept for $h in $LVSCTL_RECORD_DIR/boot"
	echo "ok: $LVSCTL_RECORD_DIR/boot/netns-$h.json"
done
unit="$LVSCTL_BOOT_ROOT/etc/systemd/system/lvsctl.service"
cat "$unit" || fail "no boot unit at $unit"
[ -L "$LVSCTL_BOOT_ROOT/etc/systemd/system/multi-user.target.wants/lvsctl.service" ] || fail "the boot unit is not enabled"
grep -qx 'Before=network-online.target shutdown.target' "$unit" || fail "the unit does not run before network-online.target"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
unit_env=$(sed -n 's/^Environment=//p' "$unit")
[ -x "${exec_start%% *}" ] || fail "the unit runs ${exec_start%% *}, which is not there"
echo "ok: the unit runs $exec_start with $unit_env"

snap() {
	for h in lvs rs1 rs2; do
		echo "== $h"
		ip netns exec $h ipvsadm -Sn | sort
		ip -n $h -4 -d addr
		ip -n $h route show table all | grep -v fe80
		ip netns exec $h sh -c 'for f in /proc/sys/net/ipv4/conf/*/arp_* /proc/sys/net/ipv4/ip_forward; do echo "$f $(cat $f)"; done'
	done
}
snap >"$E2E_WORK/applied.txt"

step "\"reboot\": the director's IPVS table, the VIPs, their routes and the ARP settings go"
must ip netns exec lvs ipvsadm -C
must ip -n lvs addr del $vip/32 dev eth0
for rs in rs1 rs2; do
	must ip -n $rs addr flush dev lo scope global
	ip -n $rs route flush table main dev lo
	must ip netns exec $rs sh -c 'for f in /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce; do echo 0 >$f; done'
done
[ -z "$(ip netns exec lvs ipvsadm -Sn)" ] || fail "the IPVS table is not empty"
expect_no_addr rs1 lo $vip/32
expect_sysctl rs1 net.ipv4.conf.all.arp_ignore 0
got=$(http_get client $vip)
[ -z "$got" ] || fail "the VIP still answers after the flush: $got"
echo "ok: nothing answers at $vip"

step "the boot unit's command, as systemd would run it"
# Watch rs1: the first time its VIP is seen, what is its ARP setting? Read
# after seeing the VIP, so a correct order can only read 1.
(
	while ! has_addr rs1 lo $vip/32; do :; done
	sysctl_of rs1 net.ipv4.conf.all.arp_ignore >"$E2E_WORK/arp-at-vip"
) &
watcher=$!
echo "+ env $unit_env $exec_start"
# shellcheck disable=SC2086 # the unit's command line and environment, split as systemd does
env $unit_env $exec_start >"$E2E_WORK/boot.out" 2>&1
rc=$?
cat "$E2E_WORK/boot.out"
if [ "$rc" != 0 ]; then
	kill $watcher 2>/dev/null
	fail "lvsctl boot exited $rc"
fi
wait $watcher
assert_eq "rs1's arp_ignore when its VIP appeared" "$(cat "$E2E_WORK/arp-at-vip")" 1
# Real servers before the director.
first_lvs=$(grep -n '^lvs: ' "$E2E_WORK/boot.out" | head -n1 | cut -d: -f1)
last_rs=$(grep -n '^rs[12]: ' "$E2E_WORK/boot.out" | tail -n1 | cut -d: -f1)
if [ -z "$first_lvs" ] || [ -z "$last_rs" ] || [ "$last_rs" -ge "$first_lvs" ]; then
	fail "boot did not restore the real servers before the director"
fi
echo "ok: rs1 and rs2 restored before lvs"

step "the cluster is back, as applied (ipvsadm -Sn, ip, /proc/sys) and traffic flows"
snap >"$E2E_WORK/booted.txt"
if ! cmp -s "$E2E_WORK/applied.txt" "$E2E_WORK/booted.txt"; then
	diff "$E2E_WORK/applied.txt" "$E2E_WORK/booted.txt"
	fail "after boot the hosts differ from after the apply"
fi
echo "ok: ipvsadm -Sn, ip -d addr, routes, ARP sysctls and ip_forward as after the apply"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_alternation client $vip 80 rs1 rs2
expect_no_changes cluster.hcl

step "a second boot finds nothing to do"
# shellcheck disable=SC2086
env $unit_env $exec_start >"$E2E_WORK/boot2.out" 2>&1 || fail "second boot failed: $(cat "$E2E_WORK/boot2.out")"
cat "$E2E_WORK/boot2.out"
[ "$(grep -c 'nothing to restore' "$E2E_WORK/boot2.out")" = 3 ] || fail "the second boot changed something"

step "destroy removes the kept states and the unit"
lvsctl destroy -auto-approve -no-color cluster.hcl || fail "destroy failed"
[ ! -e "$unit" ] || fail "the boot unit is still there after destroy"
[ ! -e "$LVSCTL_BOOT_ROOT/etc/systemd/system/multi-user.target.wants/lvsctl.service" ] || fail "the boot unit is still enabled after destroy"
[ -z "$(ls "$LVSCTL_RECORD_DIR/boot" 2>/dev/null)" ] || fail "kept states left after destroy: $(ls "$LVSCTL_RECORD_DIR/boot")"
[ ! -e "${exec_start%% *}" ] || fail "the kept lvsctl is still there after destroy"
echo "ok: no unit, no kept state, no kept binary"
