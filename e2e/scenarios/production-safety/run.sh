# production-safety: the safety rules of issue 9 on the real kernel.
#  - drain: a long-lived connection to a removed server keeps working while
#    apply waits at weight 0 (the real server keeping its VIP), and the server
#    is deleted once the connection closes; with a short drain_timeout, once
#    the timeout passes with the connection still open;
#  - -target: a director targeted alone is refused while its new server's
#    real server is not ready;
#  - rollback: a kernel error in the director's wave (a scheduler module that
#    cannot load) puts the director and the real servers back byte for byte.
need_lvsctl
vip=172.25.0.100
lab_dr
echo_start rs1 7000
echo_start rs2 7000

# cfg NAME TIMEOUT BOTH [EXTRA]: NAME.hcl, an echo service with drain
# timeout TIMEOUT over rs1 (weight 0, so that new connections go to rs2)
# and rs2 when BOTH is "both", over rs1 (weight 1) alone otherwise; EXTRA
# is more HCL.
cfg() {
	if [ "$3" = both ]; then
		servers='server "172.25.0.31" {
    weight = 0
  }
  server "172.25.0.32" {}'
	else
		servers='server "172.25.0.31" {}'
	fi
	cat >"$1.hcl" <<HCL
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
  address   = "172.25.0.1"
}

virtual_server "echo" {
  directors     = ["lvs"]
  protocol      = "tcp"
  vip           = "$vip"
  port          = 7000
  scheduler     = "rr"
  drain_timeout = $2

  $servers
}

# Hand-made before lvsctl: adopted, changed, and put back by destroy.
virtual_server "adopted" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.102"
  port      = 7000
  scheduler = "rr"

  server "172.25.0.31" {
    weight = 2
  }
}

${4:-}

real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}

real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}
HCL
}
cfg both 60 both
cfg one 60 one
cfg both-short 3 both
cfg one-short 3 one

# weight_of SERVER prints the director's weight for SERVER:7000, or "gone".
weight_of() {
	w=$(ip netns exec lvs ipvsadm -Ln -t $vip:7000 | awk -v s="$1:7000" '$2 == s { print $4 }')
	echo "${w:-gone}"
}
active_of() {
	ip netns exec lvs ipvsadm -Ln -t $vip:7000 | awk -v s="$1:7000" '$2 == s { print $5 }'
}

# connect: a client connection through the VIP, held open on fd 3; rs1 has
# weight 0, so rr sends it to rs2.
connect() {
	rm -f "$E2E_WORK/to-echo" "$E2E_WORK/from-echo"
	mkfifo "$E2E_WORK/to-echo"
	# The shell may fork around a background command: nc writes its own pid.
	ip netns exec client sh -c 'echo $$ >"$1"; exec busybox nc "$2" 7000' sh "$E2E_WORK/nc.pid" $vip \
		<"$E2E_WORK/to-echo" >"$E2E_WORK/from-echo" 2>&1 &
	exec 3>"$E2E_WORK/to-echo"
	echo hello >&3
	wait_for_line "$E2E_WORK/from-echo" hello "the echo service to answer"
	NC_PID=$(cat "$E2E_WORK/nc.pid")
	assert_eq "active connections to rs2" "$(active_of 172.25.0.32)" 1
}

snap() {
	for h in lvs rs1 rs2; do
		echo "== $h"
		ip netns exec $h ipvsadm -Sn | sort
		ip -n $h -d addr
		ip -n $h route show table all
		ip netns exec $h sh -c 'for f in /proc/sys/net/ipv4/conf/*/arp_*; do echo "$f $(cat $f)"; done'
	done
}
# Hand-made things around: a service lvsctl will adopt (and must put back
# as it was), and an address holding the label lvsctl would pick on rs1.
must ip netns exec lvs ipvsadm -A -t 172.25.0.102:7000 -s wlc
must ip netns exec lvs ipvsadm -a -t 172.25.0.102:7000 -r 172.25.0.31:7000 -g -w 1
must ip -n rs1 addr add 198.51.100.7/32 dev lo label lo:0
# The kernel's own IPv6 link-local addresses finish duplicate address
# detection on their own time (and gain a local route then): wait for it,
# at most 10 s, so the snapshot is not taken halfway through.
i=0
while ip -n lvs addr | grep -q tentative || ip -n rs1 addr | grep -q tentative || ip -n rs2 addr | grep -q tentative; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "IPv6 duplicate address detection did not finish within 10 s"
	sleep 0.2
done
snap >"$E2E_WORK/start.txt"

step "drain: a removed server waits for its open connection"
apply both.hcl
expect_no_changes both.hcl
connect
plan_status one.hcl
plan_has 'drained first: weight 0, then waits up to 1m0s for its active connections to close, then removed'
lvsctl apply -auto-approve -no-color one.hcl >"$E2E_WORK/apply.out" 2>&1 &
APPLY_PID=$!
wait_for_line_match() {
	i=0
	while ! grep -q "$2" "$1"; do
		i=$((i + 1))
		[ "$i" -le 40 ] || fail "timed out waiting for $3: $(tail -n3 "$1")"
		sleep 0.5
	done
	echo "ok: $3"
}
wait_for_line_match "$E2E_WORK/apply.out" 'lvs: draining 1 server(s): 1 active connection(s) left' "apply to report the connection it waits for"
assert_eq "rs2's weight while draining" "$(weight_of 172.25.0.32)" 0
expect_addr rs2 lo $vip/32
echo during-drain >&3
wait_for_line "$E2E_WORK/from-echo" during-drain "the open connection to carry data during the drain"
kill -0 $APPLY_PID 2>/dev/null || fail "apply ended while the connection was still open: $(cat "$E2E_WORK/apply.out")"
# The client hangs up: the director sees its FIN and counts the
# connection inactive.
exec 3>&-
echo "closing the client connection (nc pid $NC_PID)"
kill $NC_PID || echo "kill $NC_PID: exit $?"
# (The server may be gone already: apply deletes it as soon as it sees 0.)
i=0
while a=$(active_of 172.25.0.32) && [ -n "$a" ] && [ "$a" != 0 ]; do
	i=$((i + 1))
	if [ "$i" -gt 20 ]; then
		ps | grep '[n]c '
		ip netns exec client netstat -tn 2>/dev/null || true
		ip netns exec lvs ipvsadm -Lnc
		fail "the director still counts an active connection to rs2 after the client closed it"
	fi
	sleep 0.5
done
echo "ok: the director counts no active connection to rs2"
wait $APPLY_PID || fail "apply of one.hcl failed: $(cat "$E2E_WORK/apply.out")"
cat "$E2E_WORK/apply.out"
grep -q 'lvs: drained: no active connections left' "$E2E_WORK/apply.out" || fail "apply did not say the drain ended"
assert_eq "rs2 on the director after the drain" "$(weight_of 172.25.0.32)" gone
expect_no_addr rs2 lo $vip/32
expect_no_changes one.hcl

step "drain with a short timeout: removed with the connection still open"
apply both-short.hcl
connect
lvsctl apply -auto-approve -no-color one-short.hcl >"$E2E_WORK/short.out" 2>&1 || fail "apply of one-short.hcl failed: $(cat "$E2E_WORK/short.out")"
cat "$E2E_WORK/short.out"
grep -q 'drain timed out; removed with connections still open' "$E2E_WORK/short.out" ||
	fail "apply did not say the drain timed out"
assert_eq "rs2 on the director after the timeout" "$(weight_of 172.25.0.32)" gone
kill -0 $NC_PID 2>/dev/null && echo "ok: the client connection was still open when rs2 was removed"
exec 3>&-
kill $NC_PID 2>/dev/null

step "-target: the director alone may not send to a real server not ready"
# rs2 lost its VIP with the drain above; both.hcl gives rs2 back to lvs.
plan_status both.hcl -target lvs
assert_eq "plan -target lvs exit status" "$PLAN_RC" 1
plan_has 'lvs needs rs2 for server tcp/172.25.0.100:7000 -> 172.25.0.32:7000: the real server is not ready for it yet'
plan_has 'Add them \(-target rs2\)'
assert_eq "rs2 on the director after the refused plan" "$(weight_of 172.25.0.32)" gone
apply both.hcl -target rs2
apply both.hcl -target lvs
expect_no_changes both.hcl

step "rollback: a kernel error on the director undoes the whole run"
snap >"$E2E_WORK/before.txt"
# A service with the sh scheduler, whose module cannot load: the director's
# service creation fails after rs1 was given the new VIP and the director
# its alias.
ip netns exec lvs ipvsadm -Ln | grep -q ' sh ' && fail "a service already uses sh"
rmmod ip_vs_sh 2>/dev/null
old_modprobe=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
cfg broken 60 both 'virtual_server "sh" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.101"
  port      = 7000
  scheduler = "sh"
  server "172.25.0.31" {}
}'
lvsctl apply -auto-approve -no-color broken.hcl >"$E2E_WORK/broken.out" 2>&1
rc=$?
echo "$old_modprobe" >/proc/sys/kernel/modprobe
cat "$E2E_WORK/broken.out"
assert_eq "apply with a failing change: exit status" "$rc" 1
grep -q 'rolled back: the [0-9]* change(s) made in this run were undone' "$E2E_WORK/broken.out" ||
	fail "apply did not report a complete rollback"
snap >"$E2E_WORK/after.txt"
if ! cmp -s "$E2E_WORK/before.txt" "$E2E_WORK/after.txt"; then
	diff "$E2E_WORK/before.txt" "$E2E_WORK/after.txt"
	fail "after the rollback the hosts differ from before the run"
fi
echo "ok: ipvsadm -Sn, ip -d addr, routes and ARP sysctls are as before the run"
expect_no_changes both.hcl

step "labels: lvsctl's VIPs on rs1 stay off the hand-made lo:0"
ip -n rs1 -4 addr show dev lo
ip -n rs1 -4 addr show dev lo | grep -q 'inet 198.51.100.7/32 scope global lo:0$' || fail "the hand-made lo:0 changed"
ip -n rs1 -4 addr show dev lo | grep -q '172.25.0.100/32 scope global lo:0$' && fail "lvsctl labelled its VIP lo:0 next to the hand-made lo:0"
echo "ok: the hand-made lo:0 is the only lo:0"

step "destroy: the hosts as they were before lvsctl, adopted service included"
lvsctl destroy -auto-approve -no-color both.hcl || fail "destroy failed"
snap >"$E2E_WORK/end.txt"
if ! cmp -s "$E2E_WORK/start.txt" "$E2E_WORK/end.txt"; then
	diff "$E2E_WORK/start.txt" "$E2E_WORK/end.txt"
	fail "after destroy the hosts differ from before lvsctl"
fi
echo "ok: ipvsadm -Sn, ip -d addr, routes and ARP sysctls are as before lvsctl (the adopted service is back to wlc, weight 1)"
