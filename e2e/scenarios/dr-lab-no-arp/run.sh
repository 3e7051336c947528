# dr-lab-no-arp: the negative control. Without ARP suppression a real
# server answers ARP for the VIP and takes all the traffic, so the
# balancing check must FAIL here; if it passed, the harness could not tell
# a working DR setup from a broken one.
need_lvsctl
vip=172.25.0.100
lab_dr

step "apply the DR lab with arp_ignore = 0 and arp_announce = 0 on the real servers"
apply cluster.hcl
expect_no_changes cluster.hcl
for rs in rs1 rs2; do
	expect_addr $rs lo $vip/32
	expect_sysctl $rs net.ipv4.conf.all.arp_ignore 0
	expect_sysctl $rs net.ipv4.conf.all.arp_announce 0
done
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE

step "requests must NOT be balanced"
# Two rounds, each after forgetting the VIP's MAC, in case the director
# wins the ARP race once. Every request must still be answered by a real
# server: in a broken lab nothing answers, which fails the alternation
# check too and would pass this control for the wrong reason.
for round in 1 2; do
	ip -n client neigh flush all
	got=$(answers client $vip 80 4)
	echo "round $round: answered by $got (VIP at $(ip -n client neigh show $vip | awk '{print $5}'))"
	for a in $got; do
		case $a in
		rs1 | rs2) ;;
		*) fail "round $round: a request was answered by '$a', want rs1 or rs2 (the lab does not serve the VIP, so this control proves nothing): $got" ;;
		esac
	done
	if ! check_alternation "$got" rs1 rs2; then
		echo "ok: without ARP suppression the balancing check fails, as it must"
		return 0
	fi
done
fail "requests were balanced even without ARP suppression: the alternation check cannot tell a broken DR setup"
