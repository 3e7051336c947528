# bench-scale (manual: make bench-vm): lvsctl against the reference tool
# on the same work in the same boot, for a director with N services of 10
# NAT servers each. For each N it prints one line
#   @@BENCH n=N apply=S ipvsadm_R=S apply_ratio=R plan=S ipvsadm_Sn=S plan_ratio=R weight=S weight_changes=C
# (seconds of wall time): apply from empty vs `ipvsadm -R` of the same
# rules (the tables then compared), a no-op plan vs `ipvsadm -Sn`, and one
# weight changed (its plan's change count and apply time). bench/vm.sh
# collects the lines into a table.
need_lvsctl
sizes=${sizes:-1000 2000 5000 10000}
lab_director
host_add ref

now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }

for n in $sizes; do
	step "$n services x 10 servers"
	cfg=$E2E_WORK/c$n.hcl
	gen_cluster "$cfg" "$n" 10
	rm -rf "$LVSCTL_RECORD_DIR"
	ip netns exec lvs ipvsadm -C
	ip netns exec ref ipvsadm -C

	t=$(now)
	ip netns exec ref ipvsadm -R <"$cfg.ipvsadm" || fail "ipvsadm -R of $n services failed"
	ref_r=$(since "$t")

	t=$(now)
	"$LVSCTL" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/apply.out" 2>&1 ||
		fail "apply of $n services exited $?: $(tail -n3 "$E2E_WORK/apply.out")"
	apply_s=$(since "$t")
	tail -n2 "$E2E_WORK/apply.out"
	ipvs_table_like lvs ref >/dev/null

	t=$(now)
	ip netns exec lvs ipvsadm -Sn >/dev/null
	ref_sn=$(since "$t")
	t=$(now)
	"$LVSCTL" plan -detailed-exitcode -no-color "$cfg" >"$E2E_WORK/plan.out" 2>&1
	rc=$?
	plan_s=$(since "$t")
	[ "$rc" = 0 ] || fail "no-op plan of $n services: exit $rc: $(tail -n3 "$E2E_WORK/plan.out")"

	# One weight: the first server of the last service goes to 2.
	awk -v last="s$((n - 1))" '$0 ~ "^virtual_server \"" last "\"" { inlast = 1 }
			inlast && /server "172.25.1.1:80" \{\}/ { sub(/\{\}/, "{ weight = 2 }"); inlast = 0 } { print }' "$cfg" >"$cfg.w"
	"$LVSCTL" plan -json "$cfg.w" >"$E2E_WORK/w.json" || fail "plan of the weight change"
	changes=$(tr -d ' \n' <"$E2E_WORK/w.json" | grep -o '"actions":\[' | wc -l)
	t=$(now)
	"$LVSCTL" apply -auto-approve -no-color "$cfg.w" >"$E2E_WORK/w.out" 2>&1 || fail "apply of the weight change: $(tail -n3 "$E2E_WORK/w.out")"
	weight_s=$(since "$t")
	grep -q "0 added, 1 changed, 0 destroyed" "$E2E_WORK/w.out" || fail "the weight change was not one change: $(tail -n1 "$E2E_WORK/w.out")"

	echo "@@BENCH n=$n apply=$apply_s ipvsadm_R=$ref_r apply_ratio=$(ratio "$apply_s" "$ref_r") plan=$plan_s ipvsadm_Sn=$ref_sn plan_ratio=$(ratio "$plan_s" "$ref_sn") weight=$weight_s weight_changes=$changes"
done
ip netns exec lvs ipvsadm -C
ip netns exec ref ipvsadm -C
