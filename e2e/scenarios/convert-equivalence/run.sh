# convert-equivalence: for scripts of the convert corpus, the kernel state
# the script leaves (run with its start branch in namespaces sa-*) equals
# the state lvsctl leaves after applying the converted HCL (in namespaces
# named like the hosts), or every difference is one `lvsctl convert`
# reported. Compared: ipvsadm -Sn, IPv4 addresses with prefixes and
# labels, main-table routes, the forwarding/ARP/rp_filter sysctls.
# convert-equivalence-nat-tun does the same for NAT, TUN and an
# ipvsadm-save file (two scenarios: each stays within the time limit).
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

step "a director script with a loop over the real servers"
fresh
node sa lvs eth0:10.0.0.1/24
node lv lvs eth0:10.0.0.1/24
run_script lvs loop-vars.sh
convert_apply lvs=loop-vars.sh
compare lvs loop-vars.sh

step "a heredoc-driven loop"
fresh
node sa lvs eth0:10.57.0.1/24
node lv lvs eth0:10.57.0.1/24
run_script lvs heredoc.sh
convert_apply lvs=heredoc.sh
compare lvs heredoc.sh
