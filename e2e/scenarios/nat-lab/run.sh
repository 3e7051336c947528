# nat-lab: seed 004's NAT lab. The client on 192.168.4.0/24 has no route to
# the inner network, so an answer can only come back through the director:
# requests balanced over both web servers prove NAT, the port mapping
# 80 -> 8080, the derived default route and ip_forward together.
need_lvsctl
vip=192.168.4.5

step "the lab: client 192.168.4.10 | proxy 192.168.4.5 + 192.168.2.5 | web1 .100, web2 .200 on 8080"
bridge_add e2ebr0
bridge_add e2ebr1
host_add client
host_link client e2ebr0 eth0 192.168.4.10/24
host_add proxy
host_link proxy e2ebr0 eth0 $vip/24
host_link proxy e2ebr1 eth1 192.168.2.5/24
for w in web1:100 web2:200; do
	host_add ${w%:*}
	host_link ${w%:*} e2ebr1 eth0 192.168.2.${w#*:}/24
	web_start ${w%:*} 8080
done
# Before lvsctl: no forwarding, no way back from the web servers.
expect_sysctl proxy net.ipv4.ip_forward 0

step "plan and apply"
expect_changes cluster.hcl
apply cluster.hcl
expect_no_changes cluster.hcl

step "the kernel agrees"
ipvs_table_equals proxy <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 192.168.2.100:8080 -m -w 1
	-a -t $vip:80 -r 192.168.2.200:8080 -m -w 1
TABLE
expect_sysctl proxy net.ipv4.ip_forward 1
for w in web1 web2; do
	ip -n $w route show default | grep -q 'via 192.168.2.5' ||
		fail "$w has no default route via the director: $(ip -n $w route show default)"
	echo "ok: $w routes via 192.168.2.5"
done

step "requests to $vip:80 reach the web servers on 8080, balanced"
expect_alternation client $vip 80 web1 web2
