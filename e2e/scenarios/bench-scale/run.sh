# bench-scale (manual: make bench-vm): lvsctl against the reference tool
# on the same work in the same boot, for a director with N services of 10
# NAT servers each. For each N it prints one line
#   @@BENCH n=N apply=S ipvsadm_R=S apply_ratio=R plan=S ipvsadm_Sn=S plan_ratio=R
#           weight=S weight_ratio=R weight_writes=W apply_writes=W validate=S show=S
#           ipvsadm_R_sys=S ipvsadm_Sn_sys=S load=L
# (seconds of wall time): apply from empty vs `ipvsadm -R` of the same
# rules (the tables then compared), a no-op plan vs `ipvsadm -Sn`, one
# weight changed (its apply vs the no-op plan), and where a plan's time
# goes: `validate` (load and compile only) and `show -o json` (reading the
# director). The kernel writes are counted by nlcount on a nlmon device in
# the director's namespace: the kernel's own view of the requests, not
# what lvsctl reports. *_sys is the kernel time of the ipvsadm run (the
# floor), load the 1-minute load average of the VM. *_cpu is the user+sys
# CPU of the whole run (lvsctl with its agent, or ipvsadm), *_user its user
# time alone (the tool's own work; sys is mostly the kernel's IPVS work, the
# same for both). bench/vm.sh
# collects the lines into a table.
#
# Each tool writes while the other namespace's table is empty: the kernel
# runs a rate estimator for every service and server of every namespace
# (on 6.1 a timer walks them all every 2 s), so a full table next door
# would tax whichever tool runs second. est=0 turns the estimators off in
# both namespaces (net.ipv4.vs.run_estimation), to see the tools' own
# growth apart from that tax; the line says which (est=1 or 0).
need_lvsctl
need_binary nlcount
sizes=${sizes:-1000 2000 5000 10000 20000}
est=${est:-1}
lab_director
host_add ref
# ip_vs is loaded by the first ipvsadm; its sysctls exist from then on.
ip netns exec ref ipvsadm -C
for ns in lvs ref; do
	ip netns exec "$ns" sh -c "echo $est >/proc/sys/net/ipv4/vs/run_estimation" ||
		fail "cannot set net.ipv4.vs.run_estimation=$est in $ns"
done
ip -n lvs link add nlmon0 type nlmon || fail "no nlmon device (module nlmon missing from the image?)"
ip -n lvs link set nlmon0 up

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
# systime CMD... runs CMD and prints the kernel time it took (its sys, in
# seconds) on fd 3; its output goes where the caller sends it. The CPU it
# took (user+sys, waited-for children included) is left in $E2E_WORK/cpu,
# its user time alone (the program's own work, not the kernel's) in
# $E2E_WORK/user.
systime() {
	busybox time -f '%S %U' -o "$E2E_WORK/sys" "$@"
	rc=$?
	awk '{ printf "%.2f", $1 + $2 }' "$E2E_WORK/sys" >"$E2E_WORK/cpu"
	cut -d' ' -f2 "$E2E_WORK/sys" >"$E2E_WORK/user"
	cut -d' ' -f1 "$E2E_WORK/sys" >&3
	return $rc
}
cpu() { cat "$E2E_WORK/cpu"; }
user() { cat "$E2E_WORK/user"; }
# count_start / count_stop: the IPVS requests sent in the director's
# namespace between them, as "writes=N reads=M ..." in $E2E_WORK/count,
# and the writes in $writes (not in a subshell: it waits for nlcount).
count_start() {
	rm -f "$E2E_WORK/count" "$E2E_WORK/count.err"
	# /sbin/ip, not the ip function: $! must be nlcount itself (ip execs it).
	/sbin/ip netns exec lvs /e2e/bin/nlcount nlmon0 >"$E2E_WORK/count" 2>"$E2E_WORK/count.err" &
	counter=$!
	wait_for_line "$E2E_WORK/count.err" ready "nlcount" >/dev/null
}
count_stop() {
	kill -TERM "$counter"
	# A failed count is reported, and judged after the figures are out.
	if wait "$counter"; then
		writes=$(sed -n 's/.*writes=\([0-9]*\).*/\1/p' "$E2E_WORK/count")
	else
		echo "nlcount failed: $(cat "$E2E_WORK/count.err")"
		writes="?"
	fi
}

for n in $sizes; do
	step "$n services x 10 servers"
	cfg=$E2E_WORK/c$n.hcl
	gen_cluster "$cfg" "$n" 10
	rm -rf "$LVSCTL_RECORD_DIR"
	ip netns exec lvs ipvsadm -C
	ip netns exec ref ipvsadm -C

	t=$(now)
	ref_r_sys=$(systime /sbin/ip netns exec ref ipvsadm -R <"$cfg.ipvsadm" 3>&1 >/dev/null) || fail "ipvsadm -R of $n services failed"
	ref_r=$(since "$t")
	ref_r_cpu=$(cpu) ref_r_user=$(user)
	# Kept to compare with lvsctl's table, then cleared (see the top).
	ipvs_table ref >"$E2E_WORK/ref.table"
	ip netns exec ref ipvsadm -C

	count_start
	t=$(now)
	# Only apply's CPU is wanted here, not its kernel time on fd 3.
	systime "$LVSCTL" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/apply.out" 2>&1 3>/dev/null ||
		fail "apply of $n services exited $?: $(tail -n3 "$E2E_WORK/apply.out")"
	apply_s=$(since "$t")
	apply_cpu=$(cpu) apply_user=$(user)
	count_stop
	apply_writes=$writes
	tail -n2 "$E2E_WORK/apply.out"
	[ "$(ipvs_table lvs)" = "$(cat "$E2E_WORK/ref.table")" ] ||
		fail "the IPVS table lvsctl made for $n services differs from ipvsadm -R's: $(ipvs_table lvs | diff "$E2E_WORK/ref.table" - | head -n 5)"
	echo "ok: the table of $n services equals ipvsadm -R's"

	t=$(now)
	ref_sn_sys=$(systime /sbin/ip netns exec lvs ipvsadm -Sn 3>&1 >/dev/null)
	ref_sn=$(since "$t")
	ref_sn_cpu=$(cpu) ref_sn_user=$(user)
	t=$(now)
	systime "$LVSCTL" plan -detailed-exitcode -no-color "$cfg" >"$E2E_WORK/plan.out" 2>&1 3>/dev/null
	rc=$?
	plan_s=$(since "$t")
	plan_cpu=$(cpu) plan_user=$(user)
	[ "$rc" = 0 ] || fail "no-op plan of $n services: exit $rc: $(tail -n3 "$E2E_WORK/plan.out")"

	# Where the plan's time goes: loading the file, reading the director.
	t=$(now)
	"$LVSCTL" validate "$cfg" >/dev/null || fail "validate of $n services"
	validate_s=$(since "$t")
	t=$(now)
	"$LVSCTL" show -o json "$cfg" >/dev/null || fail "show of $n services"
	show_s=$(since "$t")

	# A baseline lvsctl (/e2e/bin/lvsctl-base, from LVSCTL_E2E_BASE) on
	# the same table, then this one's plan again: on a loaded host only
	# figures of the same boot compare.
	base=""
	if [ -x /e2e/bin/lvsctl-base ]; then
		t=$(now)
		/e2e/bin/lvsctl-base plan -detailed-exitcode -no-color "$cfg" >"$E2E_WORK/base-plan.out" 2>&1
		rc=$?
		base_plan=$(since "$t")
		[ "$rc" = 0 ] || fail "the baseline's no-op plan of $n services: exit $rc: $(tail -n3 "$E2E_WORK/base-plan.out")"
		t=$(now)
		/e2e/bin/lvsctl-base validate "$cfg" >/dev/null || fail "the baseline's validate of $n services"
		base_validate=$(since "$t")
		t=$(now)
		/e2e/bin/lvsctl-base show -o json "$cfg" >/dev/null || fail "the baseline's show of $n services"
		base_show=$(since "$t")
		t=$(now)
		"$LVSCTL" plan -detailed-exitcode -no-color "$cfg" >/dev/null 2>&1 || fail "the second no-op plan of $n services"
		plan2=$(since "$t")
		base=" base_plan=$base_plan base_validate=$base_validate base_show=$base_show plan2=$plan2"
	fi

	# One weight: the first server of the last service goes to 2.
	awk -v last="s$((n - 1))" '$0 ~ "^virtual_server \"" last "\"" { inlast = 1 }
			inlast && /server "172.25.1.1:80" \{\}/ { sub(/\{\}/, "{ weight = 2 }"); inlast = 0 } { print }' "$cfg" >"$cfg.w"
	count_start
	t=$(now)
	"$LVSCTL" apply -auto-approve -no-color "$cfg.w" >"$E2E_WORK/w.out" 2>&1 || fail "apply of the weight change: $(tail -n3 "$E2E_WORK/w.out")"
	weight_s=$(since "$t")
	count_stop
	weight_writes=$writes
	echo "kernel requests of the weight change: $(cat "$E2E_WORK/count")"

	echo "@@BENCH n=$n apply=$apply_s ipvsadm_R=$ref_r apply_ratio=$(ratio "$apply_s" "$ref_r") plan=$plan_s ipvsadm_Sn=$ref_sn plan_ratio=$(ratio "$plan_s" "$ref_sn") weight=$weight_s weight_ratio=$(ratio "$weight_s" "$plan_s") weight_writes=$weight_writes apply_writes=$apply_writes validate=$validate_s show=$show_s ipvsadm_R_sys=$ref_r_sys ipvsadm_Sn_sys=$ref_sn_sys apply_cpu=$apply_cpu ipvsadm_R_cpu=$ref_r_cpu plan_cpu=$plan_cpu ipvsadm_Sn_cpu=$ref_sn_cpu apply_user=$apply_user ipvsadm_R_user=$ref_r_user plan_user=$plan_user ipvsadm_Sn_user=$ref_sn_user est=$est load=$(cut -d' ' -f1 /proc/loadavg)$base"
	# Judged after the figures are out.
	[ "$weight_writes" = 1 ] || fail "the weight change made $weight_writes kernel writes, not 1: $(cat "$E2E_WORK/count")"
	[ "$(ip netns exec lvs ipvsadm -Ln -t "172.25.0.100:$((10000 + n - 1))" | awk '$2 == "172.25.1.1:80" { print $4 }')" = 2 ] ||
		fail "the weight is not 2 in the kernel after the change"
done
ip netns exec lvs ipvsadm -C
ip netns exec ref ipvsadm -C
ip -n lvs link del nlmon0
