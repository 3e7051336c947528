# convert-equivalence-nat: convert-equivalence (see there) for NAT with port
# mapping and the real server's default route.
need_lvsctl
. ../convert-equivalence/compare.sh

step "NAT with port mapping, the real server's default route via the DIP"
fresh
for side in sa lv; do
	node $side lvs eth0:203.0.113.1/24 eth1:192.168.100.1/24
	node $side web1 eth0:192.168.100.11/24
done
run_script lvs nat-director.sh
run_script web1 nat-rs.sh
convert_apply lvs=nat-director.sh web1@192.168.100.11=nat-rs.sh
compare lvs nat-director.sh
compare web1 nat-rs.sh
