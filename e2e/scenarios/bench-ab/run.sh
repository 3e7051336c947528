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
