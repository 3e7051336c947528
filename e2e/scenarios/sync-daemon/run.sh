# sync-daemon: a master and a backup director; a connection made through
# the master shows up in the backup's connection table; read back with
# ipvsadm; removing the daemons from the file stops them.
need_lvsctl
vip=172.25.0.100
lab_dr
host_add lvs2
host_link lvs2 e2ebr0 eth0 172.25.0.2/24

step "plan and apply"
expect_changes cluster.hcl
apply cluster.hcl
expect_no_changes cluster.hcl

step "the kernel runs the daemons"
ip netns exec lvs ipvsadm -L --daemon
ip netns exec lvs ipvsadm -L --daemon | grep -q "master sync daemon (mcast=eth0, syncid=42" ||
	fail "no master sync daemon on lvs: $(ip netns exec lvs ipvsadm -L --daemon)"
ip netns exec lvs2 ipvsadm -L --daemon | grep -q "backup sync daemon (mcast=eth0, syncid=42" ||
	fail "no backup sync daemon on lvs2: $(ip netns exec lvs2 ipvsadm -L --daemon)"

step "a connection through the master reaches the backup's table"
got=$(http_get client $vip 80)
echo "GET http://$vip/ answered by: ${got:-nobody}"
[ -n "$got" ] || fail "no answer from $vip"
ip netns exec lvs ipvsadm -Lnc
i=0
until ip netns exec lvs2 ipvsadm -Lnc | grep -q "172\.25\.0\.10:[0-9]* *$vip:80"; do
	i=$((i + 1))
	[ "$i" -le 20 ] || fail "the backup never learned the connection: $(ip netns exec lvs2 ipvsadm -Lnc)"
	sleep 0.5
done
ip netns exec lvs2 ipvsadm -Lnc
echo "ok: lvs2 has the connection from 172.25.0.10 to $vip:80"

step "without the daemons in the file, lvsctl stops them"
apply plain.hcl
expect_no_changes plain.hcl
[ -z "$(ip netns exec lvs ipvsadm -L --daemon)" ] || fail "lvs still runs: $(ip netns exec lvs ipvsadm -L --daemon)"
[ -z "$(ip netns exec lvs2 ipvsadm -L --daemon)" ] || fail "lvs2 still runs: $(ip netns exec lvs2 ipvsadm -L --daemon)"
