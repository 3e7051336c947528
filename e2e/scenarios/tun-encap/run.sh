# tun-encap: the other tunnel types of LVS-TUN, GUE then GRE, on the same
# real servers; balanced requests prove the encapsulation end to end.
need_lvsctl
vip=172.25.0.100
lab_dr
for rs in rs1 rs2; do
	# The GUE receiving end is a fou port in GUE mode (IPVS adds a GUE
	# header); lvsctl does not manage those.
	must ip -n $rs fou add port 6080 gue
done

step "GUE: ipip in GUE in UDP port 6080"
expect_changes gue.hcl
apply gue.hcl
expect_no_changes gue.hcl
ipvs_ref ref ref-gue.ipvsadm
ipvs_table_like lvs ref
for rs in rs1 rs2; do
	expect_addr $rs tunl0 $vip/32
done
expect_alternation client $vip 80 rs1 rs2

step "GRE: the VIP moves to gre0"
expect_changes gre.hcl
apply gre.hcl
expect_no_changes gre.hcl
ipvs_ref ref ref-gre.ipvsadm
ipvs_table_like lvs ref
for rs in rs1 rs2; do
	expect_addr $rs gre0 $vip/32
	expect_no_addr $rs tunl0 $vip/32
	expect_sysctl $rs net.ipv4.conf.gre0.rp_filter 0
done
expect_alternation client $vip 80 rs1 rs2
