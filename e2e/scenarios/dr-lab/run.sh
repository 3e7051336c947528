# dr-lab: seed 002's DR lab from one HCL file. The plan, the apply, an
# empty second plan, then the kernel's view and real requests judge it.
# It is also `make demo`, so it reads as a walk-through.
need_lvsctl
vip=172.25.0.100

step "the lab: client .10, director lvs .1, real servers rs1 .31 and rs2 .32 on 172.25.0.0/24"
lab_dr
echo "rs1 and rs2 serve their own name on port 80; nothing about LVS is set up yet."

step "the cluster, as code (cluster.hcl)"
cat cluster.hcl
must lvsctl validate cluster.hcl

step "lvsctl plan: what would change"
expect_changes cluster.hcl

step "lvsctl apply"
apply cluster.hcl

step "lvsctl plan again: nothing left to do"
expect_no_changes cluster.hcl

step "the kernel agrees (ipvsadm -Sn, ip addr, /proc/sys)"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_addr lvs eth0 $vip/32
for rs in rs1 rs2; do
	expect_addr $rs lo $vip/32
	expect_sysctl $rs net.ipv4.conf.all.arp_ignore 1
	expect_sysctl $rs net.ipv4.conf.lo.arp_ignore 1
	expect_sysctl $rs net.ipv4.conf.all.arp_announce 2
	expect_sysctl $rs net.ipv4.conf.lo.arp_announce 2
	ip -n $rs route show $vip/32 dev lo | grep -q . || fail "no host route $vip/32 dev lo on $rs: $(ip -n $rs route)"
	echo "ok: route $vip/32 dev lo on $rs"
done

step "requests from the client to $vip alternate between the real servers"
expect_alternation client $vip 80 rs1 rs2
