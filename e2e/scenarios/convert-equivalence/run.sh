# convert-equivalence: for scripts of the convert corpus, the kernel state
# the script leaves (run with its start branch in namespaces sa-*) equals
# the state lvsctl leaves after applying the converted HCL (in namespaces
# named like the hosts), or every difference is one `lvsctl convert`
# reported. Compared: ipvsadm -Sn, IPv4 addresses with prefixes and
# labels, main-table routes, the forwarding/ARP/rp_filter sysctls.
# This one: seed 002's scripts. convert-equivalence-loops, -nat and -tun do
# the same for other inputs (one scenario each stays well within the time
# limit on a loaded machine).
need_lvsctl
. ../convert-equivalence/compare.sh

step "seed 002: /etc/init.d/lvs-director and lvs-rs, verbatim"
fresh
for side in sa lv; do
	node $side lvs ens34:172.25.0.11/24
	node $side web1 eth0:172.25.0.31/24
done
run_script lvs lvs-director
run_script web1 lvs-rs
convert_apply lvs=lvs-director web1@172.25.0.31=lvs-rs
compare lvs lvs-director
compare web1 lvs-rs
