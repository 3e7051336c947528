# service-surface: every service feature, applied, compared with the same
# table made by hand with ipvsadm, edited in place while a TCP connection
# stays open through it, and removed.
need_lvsctl
vip=172.25.0.100
echo_svc="-t $vip:7000"
lab_dr
echo_start rs1 7000

step "apply every kind of service"
expect_changes cluster.hcl
apply cluster.hcl
expect_no_changes cluster.hcl
ipvs_ref ref ref.ipvsadm
ipvs_table_like lvs ref
expect_addr lvs eth0 $vip/32
expect_addr lvs eth0 2001:db8::100/128

step "open a long-lived connection through the echo service"
mkfifo "$E2E_WORK/to-echo"
ip netns exec client busybox nc $vip 7000 <"$E2E_WORK/to-echo" >"$E2E_WORK/from-echo" 2>&1 &
exec 3>"$E2E_WORK/to-echo"
echo before-edit >&3
wait_for_line "$E2E_WORK/from-echo" before-edit "the echo service to answer"
conns=$(ipvs_conns lvs "$echo_svc")
assert_eq "connections counted on $vip:7000" "$conns" 1

step "edit in place: schedulers, weights, persistence"
plan_json cluster-edited.hcl
for svc in tcp/$vip:7000 tcp/$vip:8001 "sctp/$vip:3868" tcp/$vip:443; do
	expect_action "service $svc" update
done
expect_action "server tcp/$vip:7000 -> 172.25.0.31:7000" update
expect_changes cluster-edited.hcl
plan_lacks '-/\+'
apply cluster-edited.hcl
expect_no_changes cluster-edited.hcl
ipvs_ref ref ref-edited.ipvsadm
ipvs_table_like lvs ref

step "the connection survived the edit"
ip netns exec lvs ipvsadm -Lnc | grep -q "ESTABLISHED .*$vip:7000" ||
	fail "the connection to $vip:7000 is gone from ipvsadm -Lnc: $(ip netns exec lvs ipvsadm -Lnc)"
echo "ok: ipvsadm -Lnc still lists it"
# A service deleted and created again starts counting from zero; wait out
# one publishing period of the counters so a reset would show.
sleep 3
assert_eq "connections counted on $vip:7000 after the edit" "$(ipvs_conns lvs "$echo_svc" "$conns")" "$conns"
echo after-edit >&3
wait_for_line "$E2E_WORK/from-echo" after-edit "the open connection to carry data after the edit"
exec 3>&-

step "remove every service"
expect_changes cluster-removed.hcl
apply cluster-removed.hcl
expect_no_changes cluster-removed.hcl
assert_eq "IPVS table of lvs" "$(ipvs_table lvs)" ""
expect_no_addr lvs eth0 $vip/32
expect_no_addr lvs eth0 2001:db8::100/128
