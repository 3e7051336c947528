# smoke: the DR lab of seed 002 set up by hand with ipvsadm, ip and sysctl,
# no lvsctl. It proves the lab itself (bridge, namespaces, httpd, the
# judges) works, so that a failing lvsctl scenario is lvsctl's fault.
step "DR lab by hand"
lab_dr
vip=172.25.0.100
must ip -n lvs addr add $vip/32 dev eth0 label eth0:0
must ip netns exec lvs ipvsadm -A -t $vip:80 -s rr
must ip netns exec lvs ipvsadm -a -t $vip:80 -r 172.25.0.31 -g -w 1
must ip netns exec lvs ipvsadm -a -t $vip:80 -r 172.25.0.32 -g -w 1
for rs in rs1 rs2; do
	for s in net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.lo.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.lo.arp_announce=2; do
		must ip netns exec $rs sysctl -qw "$s"
	done
	must ip -n $rs addr add $vip/32 dev lo label lo:0
done

step "judges"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_sysctl rs1 net.ipv4.conf.lo.arp_ignore 1
expect_addr rs2 lo $vip/32
expect_alternation client $vip 80 rs1 rs2
