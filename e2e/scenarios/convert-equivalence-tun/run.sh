# convert-equivalence-tun: convert-equivalence (see there) for TUN, and seed
# 004's ipvsadm-save file restored with ipvsadm -R.
need_lvsctl
. ../convert-equivalence/compare.sh

step "TUN: the VIP on tunl0, rp_filter off"
fresh
for side in sa lv; do
	node $side lvs eth0:198.51.100.1/24
	node $side rs1 eth0:192.0.2.11/24
done
run_script lvs tun-director.sh
run_script rs1 tun-rs.sh
convert_apply lvs=tun-director.sh rs1@192.0.2.11=tun-rs.sh
compare lvs tun-director.sh
compare rs1 tun-rs.sh

step "an ipvsadm-save file (seed 004), restored with ipvsadm -R"
fresh
node sa lvs eth0:192.168.4.5/24
node lv lvs eth0:192.168.4.5/24
must ip netns exec sa-lvs ipvsadm -R <ipvsadm-save
convert_apply lvs=ipvsadm-save
compare lvs ipvsadm-save
