# change-sets: a cluster edited step by step. Each step is planned,
# applied, judged by ipvsadm and real requests, and planned again to prove
# apply converged (exit 0).
need_lvsctl
vip=172.25.0.100
lab_dr
host_add rs3
host_link rs3 e2ebr0 eth0 172.25.0.33/24
web_start rs3
host_add lvs2
host_link lvs2 e2ebr0 eth0 172.25.0.2/24

# count NAME ANSWERS prints how many of ANSWERS are NAME.
count() {
	n=0
	for a in $2; do [ "$a" = "$1" ] && n=$((n + 1)); done
	echo $n
}

# converge FILE: plan shows changes, apply, plan shows none.
converge() {
	expect_changes "$1"
	apply "$1"
	expect_no_changes "$1"
}

# expect_weighted VIP: 8 requests, rs1 (weight 3) takes most, rs2 some.
expect_weighted() {
	got=$(answers client "$1" 80 8)
	echo "requests to $1: $got"
	[ "$(count rs1 "$got")" -ge 5 ] && [ "$(count rs2 "$got")" -ge 1 ] ||
		fail "wrr 3:1 over rs1 and rs2 does not show in the answers: $got"
	case " $got " in *" none "* | *" rs3 "*) fail "unexpected answers from $1: $got" ;; esac
	echo "ok: rs1 $(count rs1 "$got"), rs2 $(count rs2 "$got")"
}

step "1. base: rr over rs1 and rs2 on lvs; lvs2 serves 172.25.0.102"
converge 1-base.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_alternation client $vip 80 rs1 rs2
expect_alternation client 172.25.0.102 80 rs1 rs2

step "2. weight change: wrr, rs1 weight 3"
plan_json 2-weight.hcl
expect_action "service tcp/$vip:80" update
expect_action "server tcp/$vip:80 -> 172.25.0.31:80" update
converge 2-weight.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s wrr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 3
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_weighted $vip

step "3. server added: rs3"
plan_json 3-add.hcl
expect_action "server tcp/$vip:80 -> 172.25.0.33:80" create
converge 3-add.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s wrr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 3
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.33:80 -g -w 1
TABLE
expect_addr rs3 lo $vip/32
expect_sysctl rs3 net.ipv4.conf.all.arp_ignore 1
got=$(answers client $vip 80 10)
echo "requests: $got"
[ "$(count rs3 "$got")" -ge 1 ] && [ "$(count rs2 "$got")" -ge 1 ] && [ "$(count rs1 "$got")" -ge 5 ] ||
	fail "wrr 3:1:1 over rs1, rs2, rs3 does not show in the answers: $got"

step "4. server removed: rs3, drained (weight 0) first"
plan_json 4-remove.hcl
expect_action "server tcp/$vip:80 -> 172.25.0.33:80" delete
grep -q 'weight 0' "$E2E_WORK/plan.json" || fail "the plan does not say rs3 is drained (weight 0) first"
echo "ok: rs3 is drained first"
converge 4-remove.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s wrr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 3
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_weighted $vip

step "5. method change: dr -> tun"
converge 5-method.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s wrr
	-a -t $vip:80 -r 172.25.0.31:80 -i -w 3 --tun-type ipip
	-a -t $vip:80 -r 172.25.0.32:80 -i -w 1 --tun-type ipip
TABLE
for rs in rs1 rs2; do
	expect_addr $rs tunl0 $vip/32
	expect_no_addr $rs lo $vip/32
	expect_addr $rs lo 172.25.0.102/32
done
expect_weighted $vip

step "6. VIP change: 172.25.0.100 -> 172.25.0.101 replaces the service"
new=172.25.0.101
plan_json 6-vip.hcl
# Create before destroy: the new service and its servers come first, the
# old service is deleted last, so one of them always has servers.
expect_action "service tcp/$new:80" create
expect_action "service tcp/$vip:80" delete
plan_flat | grep -q '"forces_replacement":\["vip"\]' ||
	fail "the plan does not say the vip forces the replacement"
order=$(plan_flat | grep -o '"address":"[^"]*"' | grep -n -e "servicetcp/$new:80\"" -e "servertcp/$new:80" -e "servicetcp/$vip:80\"" | cut -d: -f1 | tr '\n' ' ')
set -- $order
[ $# -eq 4 ] && [ "$1" -lt "$2" ] && [ "$2" -lt "$4" ] && [ "$3" -lt "$4" ] ||
	fail "the old service must be deleted after the new one and its servers exist (plan order: $order)"
echo "ok: the service is replaced, create before destroy"
converge 6-vip.hcl
ipvs_table_equals lvs <<TABLE
	-A -t $new:80 -s wrr
	-a -t $new:80 -r 172.25.0.31:80 -i -w 3 --tun-type ipip
	-a -t $new:80 -r 172.25.0.32:80 -i -w 1 --tun-type ipip
TABLE
expect_addr lvs eth0 $new/32
expect_no_addr lvs eth0 $vip/32
for rs in rs1 rs2; do
	expect_addr $rs tunl0 $new/32
	expect_no_addr $rs tunl0 $vip/32
done
expect_weighted $new
assert_eq "answer from the old VIP" "$(http_get client $vip 80)" ""

step "7. director lvs2 removed from the file"
# The hosts' records remember lvs2, so the plan reaches it and removes what
# lvsctl made there: its service and its VIP alias.
plan_json 7-no-director.hcl
plan_flat | grep -q '"host":"lvs2"' || fail "the plan does not reach lvs2, removed from the file"
plan_flat | grep -q '"removed":true' || fail "the plan does not mark lvs2 as removed"
expect_action "service tcp/172.25.0.102:80" delete
converge 7-no-director.hcl
expect_weighted $new
for rs in rs1 rs2; do
	# The real servers are still in the file: the VIP of the gone service goes.
	expect_no_addr $rs lo 172.25.0.102/32
done
assert_eq "lvs2's IPVS table after its block is gone" "$(ipvs_table lvs2)" ""
expect_no_addr lvs2 eth0 172.25.0.102/32
# And the cluster forgets it: the next plan does not reach lvs2 at all.
plan_json 7-no-director.hcl
! plan_flat | grep -q '"host":"lvs2"' || fail "lvs2 is still planned after it was cleaned up and forgotten"
echo "ok: lvs2 cleaned up and forgotten"
