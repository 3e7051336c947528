# tun-4in6: an IPv4 VIP served by a real server reached over IPv6 (mixed-family
# TUN, which the kernel allows for tunnel servers). Checks what the plan's
# warning tells the operator: the kernel's ip6tnl0 drops IPv4 in IPv6 until
# `ip -6 tunnel change ip6tnl0 mode any`, and then traffic flows.
need_lvsctl
vip=172.25.0.100
lab_dr
for h in lvs:1 rs1:31; do
	must ip -n "${h%:*}" addr add "2001:db8::${h#*:}/64" dev eth0 nodad
done

step "the plan warns about ip6tnl0's mode"
plan_status cluster.hcl
[ "$PLAN_RC" = 2 ] || fail "plan: exit $PLAN_RC, want 2 (changes)"
grep -q "IPv4 VIP behind an IPv6 tunnel" "$E2E_WORK/plan.out" || fail "no warning about ip6tnl0's mode in the plan"
grep -q "ip -6 tunnel change ip6tnl0 mode any" "$E2E_WORK/plan.out" || fail "the warning does not give the command"

step "apply"
apply cluster.hcl
expect_no_changes cluster.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r [2001:db8::31]:80 -i -w 1 --tun-type ipip
TABLE
expect_addr rs1 ip6tnl0 $vip/32

step "ip6tnl0 in its default mode (ip6ip6) drops the IPv4 packets"
ip -n rs1 -d link show ip6tnl0
got=$(answers client $vip 80 2)
echo "requests to $vip:80 answered by: $got"
[ "$got" = "none none" ] || fail "with ip6tnl0 in mode ip6ip6, want no answer (the warning would be wrong), got: $got"

step "after the command the warning gives, requests are answered"
must ip -n rs1 -6 tunnel change ip6tnl0 mode any
got=$(answers client $vip 80 4)
echo "requests to $vip:80 answered by: $got"
[ "$got" = "rs1 rs1 rs1 rs1" ] || fail "IPv4 through an IPv6 tunnel with ip6tnl0 in mode any: want rs1 x4, got: $got"
expect_no_changes cluster.hcl

step "destroy"
lvsctl destroy -auto-approve -no-color cluster.hcl || fail "destroy exited $?"
[ -z "$(ipvs_table lvs)" ] || fail "IPVS table not empty after destroy: $(ipvs_table lvs)"
expect_no_addr rs1 ip6tnl0 $vip/32
