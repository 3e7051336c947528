# tun-restore: the TUN lab. tunl0 comes down when ipip loads; lvsctl's VIP
# brings it up, and destroy puts it back down, so `ip -d link` and `ip -d
# addr` of every host are as before lvsctl: byte-identical but for what the
# kernel keeps of an interface that has once been up and no command undoes
# (its default qdisc, noqueue where it was noop; IPv6's addrgenmode).
need_lvsctl
vip=172.25.0.100
lab_dr

snap() {
	for h in lvs rs1 rs2; do
		echo "== $h"
		ip netns exec $h ipvsadm -Sn | sort
		ip -n $h -d link
		ip -n $h -d addr
		ip -n $h route show table all
	done
}
# kernel_traces leaves out, on tunl0's lines only, the two traces of having
# been up that the kernel keeps once a device was opened.
kernel_traces() {
	sed '/^[0-9]*: tunl0@/,/^[0-9]*: [^t]/ { s/ qdisc noqueue / qdisc noop /; s/ addrgenmode eui64// }' "$1"
}
# The kernel's own IPv6 link-local addresses finish duplicate address
# detection on their own time: wait for it, at most 10 s.
i=0
while ip -n lvs addr | grep -q tentative || ip -n rs1 addr | grep -q tentative || ip -n rs2 addr | grep -q tentative; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "IPv6 duplicate address detection did not finish within 10 s"
	sleep 0.2
done
ip -n rs1 link show tunl0 | grep -q 'state DOWN' || fail "tunl0 is not down in a new namespace: $(ip -n rs1 link show tunl0)"
echo "ok: tunl0 down before lvsctl"
snap >"$E2E_WORK/start.txt"

step "apply: the VIP on tunl0 brings it up; requests flow through the tunnels"
apply cluster.hcl
expect_no_changes cluster.hcl
for rs in rs1 rs2; do
	expect_addr $rs tunl0 $vip/32
	ip -n $rs link show tunl0 | grep -q '[<,]UP[,>]' || fail "tunl0 is not up on $rs: $(ip -n $rs link show tunl0)"
done
expect_alternation client $vip 80 rs1 rs2

step "destroy: tunl0 down again, every host byte-identical to before"
lvsctl destroy -auto-approve -no-color cluster.hcl || fail "destroy failed"
snap >"$E2E_WORK/end.txt"
echo "byte for byte, before and after (only the kernel's traces of tunl0 having been up may differ):"
diff "$E2E_WORK/start.txt" "$E2E_WORK/end.txt"
kernel_traces "$E2E_WORK/start.txt" >"$E2E_WORK/start.cmp"
kernel_traces "$E2E_WORK/end.txt" >"$E2E_WORK/end.cmp"
if ! cmp -s "$E2E_WORK/start.cmp" "$E2E_WORK/end.cmp"; then
	diff "$E2E_WORK/start.cmp" "$E2E_WORK/end.cmp"
	fail "after destroy the hosts differ from before lvsctl"
fi
for rs in rs1 rs2; do
	ip -n $rs link show tunl0 | grep -q 'state DOWN' || fail "tunl0 is not down on $rs after destroy"
done
echo "ok: ipvsadm -Sn, ip -d link, ip -d addr and routes as before lvsctl (but for tunl0's qdisc and addrgenmode); tunl0 down"
