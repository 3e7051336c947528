# bench-profile (manual: bench/profile.sh): CPU profiles of lvsctl at
# 1,000 services x 10 NAT servers (LVSCTL_CPUPROFILE): apply from empty
# (lvsctl and the agent it starts in the director's namespace, which makes
# the kernel writes), a no-op plan, show -o json, and an apply of one
# weight changed (weight.*; bench-scale's change: its fixed cost is what
# is left once the one set_dest is done). The profiles go out
# on the console, base64 between "@@PROFILE NAME" and "@@END NAME" lines,
# where bench/profile.sh picks them up.
need_lvsctl
n=${n:-1000}
lab_director
cfg=$E2E_WORK/c$n.hcl
gen_cluster "$cfg" "$n" 10
prof=$E2E_WORK/prof
mkdir -p "$prof"

step "apply $n services, profiled"
LVSCTL_CPUPROFILE=$prof/apply "$LVSCTL" apply -auto-approve -no-color "$cfg" >"$E2E_WORK/apply.out" 2>&1 ||
	fail "apply exited $?: $(tail -n3 "$E2E_WORK/apply.out")"
tail -n2 "$E2E_WORK/apply.out"
step "no-op plan, profiled"
LVSCTL_CPUPROFILE=$prof/plan "$LVSCTL" plan -detailed-exitcode -no-color "$cfg" >"$E2E_WORK/plan.out" 2>&1 ||
	fail "no-op plan exited $?"
step "show -o json, profiled"
LVSCTL_CPUPROFILE=$prof/show "$LVSCTL" show -o json "$cfg" >/dev/null || fail "show exited $?"
step "one weight changed, profiled"
awk -v last="s$((n - 1))" '$0 ~ "^virtual_server \"" last "\"" { inlast = 1 }
		inlast && /server "172.25.1.1:80" \{\}/ { sub(/\{\}/, "{ weight = 2 }"); inlast = 0 } { print }' "$cfg" >"$cfg.w"
cmp -s "$cfg" "$cfg.w" && fail "the weight change did not change the file"
LVSCTL_CPUPROFILE=$prof/weight "$LVSCTL" apply -auto-approve -no-color "$cfg.w" >"$E2E_WORK/w.out" 2>&1 ||
	fail "apply of the weight change exited $?: $(tail -n3 "$E2E_WORK/w.out")"
tail -n2 "$E2E_WORK/w.out"
[ "$(ip netns exec lvs ipvsadm -Ln -t "172.25.0.100:$((10000 + n - 1))" | awk '$2 == "172.25.1.1:80" { print $4 }')" = 2 ] ||
	fail "the weight is not 2 in the kernel after the change"

for f in "$prof"/*; do
	name=$(basename "$f")
	echo "@@PROFILE $name"
	base64 "$f"
	echo "@@END $name"
done
ip netns exec lvs ipvsadm -C
