# timeouts: applied and read back with ipvsadm -L --timeout; removed from
# the file, they go back to what they were before lvsctl, which is set by
# hand to non-default values first so a reset to defaults cannot pass.
need_lvsctl
lab_dr
timeouts_of() {
	ip netns exec lvs ipvsadm -L --timeout | sed -n 's/^Timeout (tcp tcpfin udp): //p'
}

step "by hand, before lvsctl: ipvsadm --set 1000 100 200"
must ip netns exec lvs ipvsadm --set 1000 100 200
assert_eq "timeouts before lvsctl" "$(timeouts_of)" "1000 100 200"

step "apply timeouts { tcp = 1800, tcpfin = 60, udp = 120 }"
expect_changes cluster.hcl
apply cluster.hcl
expect_no_changes cluster.hcl
assert_eq "timeouts after apply" "$(timeouts_of)" "1800 60 120"

step "remove the timeouts block: the earlier values come back"
expect_changes cluster-without.hcl
apply cluster-without.hcl
expect_no_changes cluster-without.hcl
assert_eq "timeouts after removal" "$(timeouts_of)" "1000 100 200"
