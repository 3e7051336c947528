# tun: IP tunnelling (ipip). The real servers get the VIP on tunl0,
# rp_filter off and ARP suppressed; requests are balanced.
need_lvsctl
vip=172.25.0.100
lab_dr

step "plan and apply"
expect_changes cluster.hcl
apply cluster.hcl
expect_no_changes cluster.hcl

step "the kernel agrees"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -i -w 1 --tun-type ipip
	-a -t $vip:80 -r 172.25.0.32:80 -i -w 1 --tun-type ipip
TABLE
expect_addr lvs eth0 $vip/32
for rs in rs1 rs2; do
	expect_addr $rs tunl0 $vip/32
	expect_sysctl $rs net.ipv4.conf.all.rp_filter 0
	expect_sysctl $rs net.ipv4.conf.tunl0.rp_filter 0
	expect_sysctl $rs net.ipv4.conf.all.arp_ignore 1
	expect_sysctl $rs net.ipv4.conf.all.arp_announce 2
done

step "requests through the tunnels are balanced"
expect_alternation client $vip 80 rs1 rs2
