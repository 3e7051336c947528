# bench-ab (manual: LVSCTL_E2E_BASE=FILE bench/vm.sh bench-ab): this
# lvsctl against a baseline one (/e2e/bin/lvsctl-base, e.g. main's, built
# static) on the same director of N (1,000) services x 10 NAT servers, in
# the same boot, taking turns R (5) times: no-op plan, validate and show
# -o json of each, and ipvsadm -Sn, so that a host whose load comes and
# goes weighs on both alike. It prints each run and then one line
#   @@AB n=N runs=R plan=S base_plan=S validate=S base_validate=S show=S base_show=S ipvsadm_Sn=S
# of medians (seconds of wall time).
need_lvsctl
need_binary lvsctl-base
n=${n:-1000}
runs=${runs:-5}
lab_director
cfg=$E2E_WORK/c$n.hcl
gen_cluster "$cfg" "$n" 10
rm -rf "$LVSCTL_RECORD_DIR"
ip netns exec lvs ipvsadm -C
"$LVSCTL" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/apply.out" 2>&1 ||
	fail "apply of $n services exited $?: $(tail -n3 "$E2E_WORK/apply.out")"

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# timed NAME CMD... runs CMD, fails the scenario unless it exits 0, and
# appends its wall time to $E2E_WORK/NAME.
timed() {
	name=$1
	shift
	t=$(now)
	"$@" >"$E2E_WORK/out" 2>&1 || fail "$name: $* exited $?: $(tail -n3 "$E2E_WORK/out")"
	since "$t" >>"$E2E_WORK/$name"
	echo >>"$E2E_WORK/$name"
}
median() { grep . "$E2E_WORK/$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for i in $(seq "$runs"); do
	step "round $i"
	timed plan "$LVSCTL" plan -detailed-exitcode -no-color "$cfg"
	timed base_plan /e2e/bin/lvsctl-base plan -detailed-exitcode -no-color "$cfg"
	timed validate "$LVSCTL" validate "$cfg"
	timed base_validate /e2e/bin/lvsctl-base validate "$cfg"
	timed show "$LVSCTL" show -o json "$cfg"
	timed base_show /e2e/bin/lvsctl-base show -o json "$cfg"
	timed ipvsadm_Sn ip netns exec lvs ipvsadm -Sn
	for k in plan base_plan validate base_validate show base_show ipvsadm_Sn; do
		printf '%s=%s ' "$k" "$(tail -n1 "$E2E_WORK/$k")"
	done
	echo "load=$(cut -d' ' -f1 /proc/loadavg)"
done
line="@@AB n=$n runs=$runs"
for k in plan base_plan validate base_validate show base_show ipvsadm_Sn; do
	line="$line $k=$(median "$k")"
done
echo "$line"
ip netns exec lvs ipvsadm -C

# Apply from empty, A/B: this lvsctl and the baseline take turns applying
# the same N x 10 to an empty table (cleared between turns with ipvsadm -C
# and the ownership record removed, as the setup above does: no lvsctl
# takes part in the clearing), R times each. Each turn's table is checked
# to hold every service and server. Prints each round, then
#   @@AB-APPLY n=N runs=R apply=S base_apply=S apply_cpu=S base_apply_cpu=S
# of medians: wall seconds, and CPU seconds (user+sys, the agent's
# included: busybox time counts the children waited for).
ab_apply() { # ab_apply NAME LVSCTL
	ip netns exec lvs ipvsadm -C
	rm -rf "$LVSCTL_RECORD_DIR"
	t=$(now)
	busybox time -f '%S %U' -o "$E2E_WORK/ab.sys" "$2" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/ab.out" 2>&1 ||
		fail "$1: apply from empty exited $?: $(tail -n3 "$E2E_WORK/ab.out")"
	since "$t" >>"$E2E_WORK/ab_$1"
	echo >>"$E2E_WORK/ab_$1"
	awk '{ printf "%.2f\n", $1 + $2 }' "$E2E_WORK/ab.sys" >>"$E2E_WORK/ab_$1_cpu"
	rows=$(ip netns exec lvs ipvsadm -Sn | wc -l)
	[ "$rows" -eq $((n * 11)) ] || fail "$1: the table after apply from empty has $rows rows, want $((n * 11))"
}
ab_median() { grep . "$E2E_WORK/$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rm -f "$E2E_WORK"/ab_*
for i in $(seq "$runs"); do
	step "apply from empty, round $i"
	# Who goes first alternates: neither always meets a freshly cleared
	# kernel after the other's turn.
	if [ $((i % 2)) -eq 1 ]; then
		ab_apply apply "$LVSCTL"
		ab_apply base_apply /e2e/bin/lvsctl-base
	else
		ab_apply base_apply /e2e/bin/lvsctl-base
		ab_apply apply "$LVSCTL"
	fi
	for k in apply base_apply; do
		printf '%s=%s (cpu %s) ' "$k" "$(tail -n1 "$E2E_WORK/ab_$k")" "$(tail -n1 "$E2E_WORK/ab_${k}_cpu")"
	done
	echo "load=$(cut -d' ' -f1 /proc/loadavg)"
done
echo "@@AB-APPLY n=$n runs=$runs apply=$(ab_median ab_apply) base_apply=$(ab_median ab_base_apply) apply_cpu=$(ab_median ab_apply_cpu) base_apply_cpu=$(ab_median ab_base_apply_cpu)"
ip netns exec lvs ipvsadm -C
rm -rf "$LVSCTL_RECORD_DIR"
