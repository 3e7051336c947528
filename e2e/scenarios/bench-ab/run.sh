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

# One weight, A/B: each lvsctl applies a one-weight change in turn, R times
# each, toggling the first server of the last service between 2 and 1, so
# that every apply finds exactly one change (the other one's). Each has a
# record directory of its own (its first apply adopts the table there),
# so each keeps its own boot state and boot binary as it would on a
# director, rather than each copying its binary over the other's.
# Then one more turn each with the kernel's IPVS requests counted (nlcount
# on a nlmon device, untimed). One line of medians (seconds of wall time):
#   @@ABW n=N runs=R weight=S base_weight=S plan=S base_plan=S writes=W base_writes=W
need_binary nlcount
rm -rf "$LVSCTL_RECORD_DIR" "$E2E_WORK/rec-new" "$E2E_WORK/rec-base"
ip netns exec lvs ipvsadm -C
"$LVSCTL" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/apply.out" 2>&1 ||
	fail "weight A/B: apply of $n services exited $?: $(tail -n3 "$E2E_WORK/apply.out")"
rm -rf "$LVSCTL_RECORD_DIR"
awk -v last="s$((n - 1))" '$0 ~ "^virtual_server \"" last "\"" { inlast = 1 }
	inlast && /server "172.25.1.1:80" \{\}/ { sub(/\{\}/, "{ weight = 2 }"); inlast = 0 } { print }' "$cfg" >"$cfg.w"
cmp -s "$cfg" "$cfg.w" && fail "weight A/B: the weight change did not change the file"
# new / base NAME CMD...: CMD with that lvsctl's own record directory.
new() { LVSCTL_RECORD_DIR=$E2E_WORK/rec-new "$@"; }
base() { LVSCTL_RECORD_DIR=$E2E_WORK/rec-base "$@"; }
# Adoption of the table into each record, untimed; then both plans are empty.
new "$LVSCTL" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/out" 2>&1 || fail "weight A/B: adoption by this lvsctl: $(tail -n3 "$E2E_WORK/out")"
base /e2e/bin/lvsctl-base apply -auto-approve -no-color "$cfg" >"$E2E_WORK/out" 2>&1 || fail "weight A/B: adoption by the baseline: $(tail -n3 "$E2E_WORK/out")"
rm -f "$E2E_WORK/weight" "$E2E_WORK/base_weight" "$E2E_WORK/wplan" "$E2E_WORK/base_wplan"
for i in $(seq "$runs"); do
	step "weight round $i"
	timed weight new "$LVSCTL" apply -auto-approve -no-color "$cfg.w"
	timed base_weight base /e2e/bin/lvsctl-base apply -auto-approve -no-color "$cfg"
	timed wplan new "$LVSCTL" plan -detailed-exitcode -no-color "$cfg"
	timed base_wplan base /e2e/bin/lvsctl-base plan -detailed-exitcode -no-color "$cfg"
	for k in weight base_weight wplan base_wplan; do
		printf '%s=%s ' "$k" "$(tail -n1 "$E2E_WORK/$k")"
	done
	echo "load=$(cut -d' ' -f1 /proc/loadavg)"
done
# counted WHO CFG: the IPVS requests of one apply of CFG, in $E2E_WORK/count.
ip -n lvs link add nlmon0 type nlmon || fail "no nlmon device (module nlmon missing from the image?)"
ip -n lvs link set nlmon0 up
counted() {
	who=$1
	shift
	rm -f "$E2E_WORK/count" "$E2E_WORK/count.err"
	# /sbin/ip, not the ip function: $! must be nlcount itself (ip execs it).
	/sbin/ip netns exec lvs /e2e/bin/nlcount nlmon0 >"$E2E_WORK/count" 2>"$E2E_WORK/count.err" &
	counter=$!
	wait_for_line "$E2E_WORK/count.err" ready "nlcount" >/dev/null
	"$who" "$@" >"$E2E_WORK/out" 2>&1 || fail "weight A/B: counted apply: $(tail -n3 "$E2E_WORK/out")"
	kill -TERM "$counter"
	wait "$counter" || fail "nlcount failed: $(cat "$E2E_WORK/count.err")"
	echo "kernel requests of $who's weight apply: $(cat "$E2E_WORK/count")"
	sed -n 's/.*writes=\([0-9]*\).*/\1/p' "$E2E_WORK/count"
}
w_new=$(counted new "$LVSCTL" apply -auto-approve -no-color "$cfg.w" | tee /dev/stderr | tail -n1)
w_base=$(counted base /e2e/bin/lvsctl-base apply -auto-approve -no-color "$cfg" | tee /dev/stderr | tail -n1)
ip -n lvs link del nlmon0
echo "@@ABW n=$n runs=$runs weight=$(median weight) base_weight=$(median base_weight) plan=$(median wplan) base_plan=$(median base_wplan) writes=$w_new base_writes=$w_base"
[ "$w_new" = 1 ] || fail "this lvsctl's weight apply made $w_new kernel writes, not 1"
ip netns exec lvs ipvsadm -C
rm -rf "$E2E_WORK/rec-new" "$E2E_WORK/rec-base"
