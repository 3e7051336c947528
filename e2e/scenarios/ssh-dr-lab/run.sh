# ssh-dr-lab: seed 002's DR lab with the director's IPVS programmed over
# SSH. OpenSSH's sshd runs in the director's namespace with a generated
# host key; lvsctl runs in the client's namespace with a generated user
# key, known_hosts and ssh_config, copies itself to the director and runs
# its agent there. Plan, apply, an empty second plan, the kernel's view and
# real requests judge it. Then a third real server that cannot be reached:
# the director's server for it is held back while the rest is applied, and
# once it is back, apply converges.
need_lvsctl
vip=172.25.0.100
ssh_dir=$E2E_WORK/ssh

step "the lab, and sshd in the director's namespace"
lab_dr
mkdir -p "$ssh_dir" /run/sshd /root
# The director's record is /var/lib/lvsctl/local.json (the VM's file system
# is shared by the namespaces): start without one another scenario left.
rm -f /var/lib/lvsctl/local.json
must /usr/bin/ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/host_key"
must /usr/bin/ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/id_ed25519"
cp "$ssh_dir/id_ed25519.pub" "$ssh_dir/authorized_keys"
cat >"$ssh_dir/sshd_config" <<CONF
ListenAddress 172.25.0.1:22
HostKey $ssh_dir/host_key
PidFile none
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
AuthorizedKeysFile $ssh_dir/authorized_keys
CONF
ip netns exec lvs /usr/sbin/sshd -D -e -f "$ssh_dir/sshd_config" >"$E2E_WORK/sshd.log" 2>&1 &
echo "172.25.0.1 $(cut -d' ' -f1,2 "$ssh_dir/host_key.pub")" >"$ssh_dir/known_hosts"
cat >"$ssh_dir/config" <<CONF
Host lvs
  HostName 172.25.0.1
  User root
  IdentityFile $ssh_dir/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $ssh_dir/known_hosts
  ConnectTimeout 10
CONF
cat "$ssh_dir/config"
i=0
until grep -q "Server listening" "$E2E_WORK/sshd.log"; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "sshd does not listen in lvs: $(cat "$E2E_WORK/sshd.log")"
	sleep 0.2
done

# sshlvsctl ARGS... runs lvsctl from the client's namespace with the
# scenario's ssh_config.
sshlvsctl() {
	cmd=$1
	shift
	echo "\$ ip netns exec client lvsctl $cmd -ssh-config $ssh_dir/config $*"
	# shellcheck disable=SC2046
	ip netns exec client "$LVSCTL" "$cmd" -ssh-config "$ssh_dir/config" $(color_flag) "$@"
}

step "lvsctl ping: the director over SSH, the real servers in their namespaces"
sshlvsctl ping cluster.hcl || fail "lvsctl ping exited $?"

step "lvsctl plan"
sshlvsctl plan -detailed-exitcode cluster.hcl
rc=$?
[ $rc = 2 ] || fail "plan: exit $rc, want 2 (changes)"

step "lvsctl apply"
sshlvsctl apply -auto-approve cluster.hcl || fail "apply exited $?"

step "lvsctl plan again: nothing left to do"
sshlvsctl plan -detailed-exitcode cluster.hcl
rc=$?
[ $rc = 0 ] || fail "second plan: exit $rc, want 0 (no changes)"

step "the director's kernel, programmed over SSH"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_addr lvs eth0 $vip/32
grep -q "Accepted publickey for root" "$E2E_WORK/sshd.log" || fail "sshd saw no login: $(cat "$E2E_WORK/sshd.log")"
sum=$(sha256sum /e2e/bin/lvsctl | cut -d' ' -f1)
[ -x "/var/lib/lvsctl/bin/lvsctl-$sum" ] || fail "lvsctl is not at /var/lib/lvsctl/bin/lvsctl-$sum: $(ls /var/lib/lvsctl/bin)"
echo "ok: the agent ran from /var/lib/lvsctl/bin/lvsctl-$sum"

step "requests from the client to $vip alternate between the real servers"
expect_alternation client $vip 80 rs1 rs2

step "a third real server that cannot be reached: the director does not send to it"
# rs3's namespace does not exist yet: the director's new server for it is
# held back (nothing says rs3 is ready), the rest is applied, apply fails.
cat >"$E2E_WORK/three.hcl" <<HCL
director "lvs" {
  ssh { host = "lvs" }
  interface = "eth0"
  address   = "172.25.0.1"
}
virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "$vip"
  port      = 80
  scheduler = "rr"
  method    = "dr"
  server "172.25.0.31" {}
  server "172.25.0.32" {}
  server "172.25.0.33" {}
}
real_server "rs1" {
  netns   = "rs1"
  address = "172.25.0.31"
}
real_server "rs2" {
  netns   = "rs2"
  address = "172.25.0.32"
}
real_server "rs3" {
  netns   = "rs3"
  address = "172.25.0.33"
}
HCL
sshlvsctl apply -auto-approve "$E2E_WORK/three.hcl" >"$E2E_WORK/held.out"
rc=$?
cat "$E2E_WORK/held.out"
[ $rc = 1 ] || fail "apply with rs3 unreachable: exit $rc, want 1"
grep -q 'server tcp/172.25.0.100:80 -> 172.25.0.33:80 (create): depends on rs3, which could not be reached' "$E2E_WORK/held.out" ||
	fail "the plan does not say the director's server for rs3 is held back"
grep -q '^  rs3: unreachable: ' "$E2E_WORK/held.out" || fail "apply does not report rs3 unreachable"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
TABLE
expect_alternation client $vip 80 rs1 rs2

step "rs3 is back: apply converges, and the director sends to it"
host_add rs3
host_link rs3 e2ebr0 eth0 172.25.0.33/24
web_start rs3
sshlvsctl apply -auto-approve "$E2E_WORK/three.hcl" || fail "apply with rs3 back exited $?"
sshlvsctl plan -detailed-exitcode "$E2E_WORK/three.hcl"
rc=$?
[ $rc = 0 ] || fail "plan after rs3 came back: exit $rc, want 0 (no changes)"
ipvs_table_equals lvs <<TABLE
	-A -t $vip:80 -s rr
	-a -t $vip:80 -r 172.25.0.31:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.32:80 -g -w 1
	-a -t $vip:80 -r 172.25.0.33:80 -g -w 1
TABLE
expect_alternation client $vip 80 rs1 rs2 rs3
