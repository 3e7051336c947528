# saved-plan: the reviewed-change workflow. A plan saved with -out is what
# apply carries out; a plan made from a live state that has since changed
# is refused without touching anything; -var and -target do what they say;
# show reads back what apply made.
need_lvsctl
vip=172.25.0.100
lab_dr
first=$E2E_WORK/first.plan
second=$E2E_WORK/second.plan

step "plan -out, then apply the saved plan"
must lvsctl plan -no-color -out "$first" cluster.hcl
[ -s "$first" ] || fail "plan -out wrote nothing to $first"
apply "$first"
expect_no_changes cluster.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_alternation client $vip 80 rs1 rs2

step "-target: only the named hosts are planned"
# The weights live on the director: rs1 alone has nothing to change.
plan_status cluster.hcl -var weight=2 -target rs1
assert_eq "plan -target rs1 exit status" "$PLAN_RC" 0
plan_status cluster.hcl -var weight=2 -target lvs
assert_eq "plan -target lvs exit status" "$PLAN_RC" 2

step "a saved plan is refused once the live state changed"
must lvsctl plan -no-color -var weight=2 -out "$second" cluster.hcl
must ip netns exec lvs ipvsadm -e -t $vip:80 -r 172.25.0.31 -g -w 9
# Refused means exit status 1 with the staleness message, not any failure.
lvsctl apply -auto-approve -no-color "$second" >"$E2E_WORK/stale.out" 2>&1
rc=$?
cat "$E2E_WORK/stale.out"
[ "$rc" != 0 ] || fail "apply of a plan made before the live state changed succeeded; it must refuse"
assert_eq "apply of the stale plan: exit status" "$rc" 1
grep -q "the plan is stale" "$E2E_WORK/stale.out" ||
	fail "apply of the stale plan exited 1 without saying 'the plan is stale': $(grep -m1 Error "$E2E_WORK/stale.out")"
echo "ok: the stale plan was refused"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 9
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE

step "-var weight=2, planned afresh and applied"
apply cluster.hcl -var weight=2
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 2
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 2
TABLE
expect_no_changes cluster.hcl -var weight=2
# The environment sets variables too (below -var in precedence).
LVSCTL_VAR_weight=2 plan_status cluster.hcl
assert_eq "plan with LVSCTL_VAR_weight=2 exit status" "$PLAN_RC" 0

step "show -o json reads back the live state"
must lvsctl show -o json cluster.hcl >"$E2E_WORK/show.json"
flat=$(tr -d ' \n' <"$E2E_WORK/show.json")
for want in '"name":"lvs"' '"scheduler":"rr"' '"address":"172.25.0.31","port":80,"method":"dr","weight":2' \
	'"name":"rs1"' '"name":"net.ipv4.conf.all.arp_ignore","value":"1"'; do
	case $flat in *"$want"*) echo "ok: show has $want" ;; *) fail "show -o json lacks $want" ;; esac
done
