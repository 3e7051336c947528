# ownership: what an operator made by hand survives apply untouched and
# shows as not managed, until own_all_services hands lvsctl the whole table.
need_lvsctl
vip=172.25.0.100
hand=172.25.0.200
lab_dr

step "by hand: a service and an address lvsctl did not make"
must ip netns exec lvs ipvsadm -A -t $hand:8080 -s wlc
must ip netns exec lvs ipvsadm -a -t $hand:8080 -r 172.25.0.32:8080 -m -w 4
must ip -n lvs addr add $hand/32 dev eth0 label eth0:9
hand_table=$(ipvs_table lvs | grep -F "$hand:8080")
echo "$hand_table"
[ "$(echo "$hand_table" | grep -c .)" = 2 ] || fail "the hand-made service did not land in the table"

step "the plan lists them as not managed"
plan_json cluster.hcl
plan_flat | grep -q "\"unmanaged\":\[[^]]*$hand:8080" ||
	fail "the plan's unmanaged list lacks the service $hand:8080: $(plan_flat | grep -o '"unmanaged":\[[^]]*\]')"
plan_flat | grep -q "\"unmanaged\":\[[^]]*$hand/32" ||
	fail "the plan's unmanaged list lacks the address $hand/32"
echo "ok: both are listed as unmanaged"
assert_eq "actions on the hand-made service" "$(plan_action "service tcp/$hand:8080")" ""
expect_changes cluster.hcl
plan_has "$hand"

step "apply leaves them alone"
apply cluster.hcl
expect_no_changes cluster.hcl
assert_eq "the hand-made service" "$(ipvs_table lvs | grep -F "$hand:8080")" "$hand_table"
expect_addr lvs eth0 $hand/32
ip -n lvs -o addr show dev eth0 label eth0:9 | grep -q " $hand/32 " || fail "the label eth0:9 of $hand/32 changed"
expect_alternation client $vip 80 rs1 rs2

step "own_all_services = true: the hand-made service is removed, the address stays"
plan_json cluster-own-all.hcl
expect_action "service tcp/$hand:8080" delete
apply cluster-own-all.hcl
expect_no_changes cluster-own-all.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_addr lvs eth0 $hand/32
expect_alternation client $vip 80 rs1 rs2
