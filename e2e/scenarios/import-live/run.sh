# import-live: a DR lab set up by hand, as seed 002's scripts do it, is
# read back by lvsctl import from its live hosts; the configuration it
# writes plans no change against them, and traffic keeps flowing.
need_lvsctl
vip=172.25.0.100
lab_dr

step "the DR lab by hand: ipvsadm on the director, the VIP on eth0:0 and on each real server's lo:0"
must ip netns exec lvs ipvsadm -A -t $vip:80 -s wrr
for rip in 172.25.0.31 172.25.0.32; do
	must ip netns exec lvs ipvsadm -a -t $vip:80 -r $rip:80 -g -w 2
done
must ip -n lvs addr add $vip/32 dev eth0 label eth0:0
for rs in rs1 rs2; do
	must ip netns exec $rs sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore; echo 1 >/proc/sys/net/ipv4/conf/lo/arp_ignore; echo 2 >/proc/sys/net/ipv4/conf/all/arp_announce; echo 2 >/proc/sys/net/ipv4/conf/lo/arp_announce'
	must ip -n $rs addr add $vip/32 dev lo label lo:0
	must ip -n $rs route add $vip/32 dev lo
done
expect_alternation client $vip 80 rs1 rs2

step "lvsctl import: the hosts file names the hosts, the live kernels give the rest"
cat hosts.hcl
lvsctl import -o "$E2E_WORK/adopted.hcl" hosts.hcl
rc=$?
cat "$E2E_WORK/adopted.hcl"
[ "$rc" = 0 ] || fail "lvsctl import exited $rc, want 0 (everything described)"
must lvsctl fmt -check "$E2E_WORK/adopted.hcl"
grep -q 'netns *= "lvs"' "$E2E_WORK/adopted.hcl" || fail "the imported configuration lost the director's connection"

step "a plan of the imported configuration changes nothing on the hosts: only the record adopts what is there"
plan_status "$E2E_WORK/adopted.hcl"
[ "$PLAN_RC" = 2 ] || fail "plan of the imported configuration: exit $PLAN_RC, want 2 (the record's adoption)"
grep -q 'only the ownership record changes here' "$E2E_WORK/plan.out" || fail "the plan does not say the adoption changes only the record"
if grep -Eq '^  [-+] ' "$E2E_WORK/plan.out"; then
	fail "the plan of the imported configuration adds or removes something"
fi
apply "$E2E_WORK/adopted.hcl"
expect_no_changes "$E2E_WORK/adopted.hcl"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s wrr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 2
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 2
TABLE
expect_alternation client $vip 80 rs1 rs2
