# language: a director's vip block, a port-0 persistent service and an IPv6
# service over IPv4 tunnel servers, applied and judged on the kernel.
need_lvsctl
vip=172.25.0.100
vip6=2001:db8::100
lab_dr
# IPv6 beside the lab's IPv4: the client reaches the VIP6 on the director;
# the real servers answer it directly from their own IPv6 address.
for h in client:10 lvs:1 rs1:31 rs2:32; do
	must ip -n "${h%:*}" addr add "2001:db8::${h#*:}/64" dev eth0 nodad
done

step "plan and apply"
expect_changes cluster.hcl
apply cluster.hcl
expect_no_changes cluster.hcl

step "the kernel agrees"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:0 -s rr -p 1800
	-a -t $vip:0 -r 172.25.0.31:0 -g -w 1
	-a -t $vip:0 -r 172.25.0.32:0 -g -w 1
	-A -t [$vip6]:80 -s rr
	-a -t [$vip6]:80 -r 172.25.0.31:80 -i -w 1 --tun-type ipip
	-a -t [$vip6]:80 -r 172.25.0.32:80 -i -w 1 --tun-type ipip
TABLE
ip -n lvs -4 addr show dev eth0 | grep -q "inet $vip/32 scope global eth0:vip\$" ||
	fail "the director's VIP is not labelled eth0:vip: $(ip -n lvs -4 addr show dev eth0)"
for rs in rs1 rs2; do
	expect_addr $rs lo $vip/32
	expect_addr $rs sit0 $vip6/128
done

step "port 0: any port reaches a real server, and the client sticks to it"
got=$(answers client $vip 80 4)
echo "requests to $vip:80 answered by: $got"
case "$got" in
"rs1 rs1 rs1 rs1" | "rs2 rs2 rs2 rs2") ;;
*) fail "port-0 persistent service: want one real server for all requests, got: $got" ;;
esac

step "IPv6 requests through IPv4 tunnels are balanced"
expect_alternation client $vip6 80 rs1 rs2
