# faults: an apply of a few hundred services killed at several points is
# finished by the next apply, whose second plan is empty, and destroy then
# leaves the director exactly as it was; two applies at once against one
# director: the second is refused (or waits) and nothing is lost; a damaged
# record stops the plan, naming it. Judged by ipvsadm -Sn and the record.
need_lvsctl
lab_director
n=300
cfga=$E2E_WORK/a.hcl
gen_cluster "$cfga" $n 2 a
rec=$LVSCTL_RECORD_DIR/netns-lvs@a.json
before=$(host_view lvs)

services() { ipvs_table lvs | grep -c '^-A'; }
owned() {
	c=$(grep -c '"tcp/172' "$1" 2>/dev/null)
	echo "${c:-0}"
}

# (cfg itself is the lib.sh helpers' variable: cfga, cfgb are ours.)
# converge: apply again, second plan empty, all owned; destroy: as before.
converge_and_destroy() {
	apply "$cfga" -lock-timeout 60s
	expect_no_changes "$cfga"
	assert_eq "services in the kernel" "$(services)" $n
	assert_eq "services owned in the record" "$(owned "$rec")" $n
	grep -q '"intents"' "$rec" && fail "the record still holds intents after a finished apply"
	lvsctl destroy -auto-approve -no-color "$cfga" >"$E2E_WORK/destroy.out" 2>&1 ||
		fail "destroy exited $?: $(tail -n3 "$E2E_WORK/destroy.out")"
	assert_eq "the director after destroy" "$(host_view lvs)" "$before"
}

# wait_match FILE REGEX: until FILE has a line matching REGEX (10 s at most).
wait_match() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null || [ "$i" -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# Kill points: before anything (0.3 s in: loading, reading), as soon as the
# intents are on disk (the batch has begun or is about to), in the middle of
# the batch, and after the kernel writes (while verifying).
for at in start intents mid after; do
	step "apply killed with SIGKILL (the CLI and its agent) at: $at"
	rm -f "$E2E_WORK/killed.out"
	setsid "$LVSCTL" apply -auto-approve -no-color "$cfga" >"$E2E_WORK/killed.out" 2>&1 &
	pid=$!
	case $at in
	start) sleep 0.3 ;;
	intents) wait_match "$rec" '"intents"' ;;
	mid) wait_match "$rec" '"intents"' && sleep 0.7 ;;
	after) wait_match "$E2E_WORK/killed.out" 'server-create' ;;
	esac
	kill -9 -"$pid" 2>/dev/null
	wait "$pid"
	echo "killed: $(services) services in the kernel; intents in the record: $(grep -c '"intents"' "$rec" 2>/dev/null)"
	converge_and_destroy
done

step "the CLI alone killed mid-batch: its agent stops at the next change and records it"
setsid "$LVSCTL" apply -auto-approve -no-color "$cfga" >"$E2E_WORK/killed.out" 2>&1 &
pid=$!
wait_match "$rec" '"intents"' && sleep 0.3
kill -9 "$pid"
wait "$pid"
# The agent (in the namespace lvs) finishes the change in hand, commits
# and exits.
i=0
while [ -n "$(ip netns pids lvs)" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "killed: $(services) services in the kernel, $(owned "$rec") owned"
grep -q '"intents"' "$rec" && fail "the agent whose client was killed did not commit (intents left)"
assert_eq "services owned after the agent stopped" "$(owned "$rec")" "$(services)"
converge_and_destroy

step "Ctrl-C during apply: stops between two changes and says what was done"
setsid "$LVSCTL" apply -auto-approve -no-color "$cfga" >"$E2E_WORK/int.out" 2>&1 &
pid=$!
wait_match "$rec" '"intents"' && sleep 0.3
kill -INT -"$pid"
wait "$pid"
rc=$?
tail -n4 "$E2E_WORK/int.out"
[ "$rc" = 130 ] || [ "$rc" = 0 ] || fail "interrupted apply exited $rc, want 130 (or 0 if it had finished)"
assert_eq "services owned after Ctrl-C" "$(owned "$rec")" "$(services)"
converge_and_destroy

step "two applies at once, two clusters on one director: the second is refused"
cfgb=$E2E_WORK/b.hcl
gen_cluster "$cfgb" $n 2 b 20000
# b shares the director, not a VIP or a sysctl: its own VIP, TUN servers
# (no ip_forward). Shared VIPs and sysctls are not counted across clusters
# yet (README: cluster).
sed -i 's/vip       = "172.25.0.100"/vip       = "172.25.0.101"/; s/"nat"/"tun"/; s/:80" {}/" {}/' "$cfgb"
# Each cluster numbers its aliases from eth0:0; clusters sharing a director
# name their VIPs' labels (README: cluster), or the second is renumbered
# while the first holds eth0:0 and renumbered back when it goes.
sed -i 's/^  address   = "172.25.0.1"$/  address   = "172.25.0.1"\n  vip "172.25.0.101" {\n    interface = "eth0"\n    label     = "eth0:b"\n  }/' "$cfgb"
grep -q 'label     = "eth0:b"' "$cfgb" || fail "b.hcl: the vip block was not added"
recb=$LVSCTL_RECORD_DIR/netns-lvs@b.json
lock=$LVSCTL_RECORD_DIR/netns-lvs.json.lock
rm -f "$lock" # nobody holds it; its holder's line tells when a has it
setsid "$LVSCTL" apply -auto-approve -no-color "$cfga" >"$E2E_WORK/a.out" 2>&1 &
pid=$!
wait_match "$lock" 'a\.hcl'
lvsctl apply -auto-approve -no-color "$cfgb" >"$E2E_WORK/b.out" 2>&1 && fail "the second apply ran while the first held the lock"
cat "$E2E_WORK/b.out"
grep -q 'another lvsctl run is changing this host' "$E2E_WORK/b.out" || fail "the refusal does not say the host is locked"
grep -q 'pid' "$E2E_WORK/b.out" || fail "the refusal does not name the holder"
wait "$pid" || fail "the first apply failed: $(tail -n3 "$E2E_WORK/a.out")"

step "... or waits with -lock-timeout; each cluster keeps its own"
setsid "$LVSCTL" destroy -auto-approve -no-color "$cfga" >"$E2E_WORK/a.out" 2>&1 &
pid=$!
wait_match "$lock" 'destroy' # a holds the lock first; b must wait for it
apply "$cfgb" -lock-timeout 5m
wait "$pid" || fail "destroy of a failed: $(tail -n3 "$E2E_WORK/a.out")"
apply "$cfga" -lock-timeout 5m
expect_no_changes "$cfga"
expect_no_changes "$cfgb"
assert_eq "services in the kernel (a and b)" "$(services)" $((2 * n))
assert_eq "owned by a" "$(owned "$rec")" $n
assert_eq "owned by b" "$(owned "$recb")" $n
lvsctl destroy -auto-approve -no-color "$cfgb" >/dev/null || fail "destroy of b"
assert_eq "services left after destroying b" "$(services)" $n
expect_no_changes "$cfga"

step "a damaged record: plan refuses, naming it"
cp "$rec" "$E2E_WORK/rec.good"
echo '{"format_version": "1", "services": {"tcp/172.25' >"$rec"
lvsctl plan -no-color "$cfga" >"$E2E_WORK/plan.out" 2>&1 && fail "plan ran with a damaged record"
cat "$E2E_WORK/plan.out"
grep -qF "$rec is damaged" "$E2E_WORK/plan.out" || fail "the plan's error does not name the damaged record"
cp "$E2E_WORK/rec.good" "$rec"
expect_no_changes "$cfga"
lvsctl destroy -auto-approve -no-color "$cfga" >/dev/null || fail "destroy of a"
assert_eq "the director after both destroyed" "$(host_view lvs)" "$before"
