# convert-equivalence-corpus-c: see convert-equivalence-corpus-a. This one:
# real servers (with their director, or alone: their VIPs declared), the
# seeds' scripts not run elsewhere, the ipvsadm-save files, getopts.
need_lvsctl
. ../convert-equivalence/compare.sh

# save-names holds host and service names: ipvsadm -R resolves them through
# /etc/hosts and /etc/services, lvsctl convert through the same hosts file.
for f in hosts services nsswitch.conf; do
	if [ -e /etc/$f ]; then cp /etc/$f "$E2E_WORK/$f.orig"; fi
done
cp /e2e/corpus/save-names.hosts /etc/hosts
printf 'http\t\t80/tcp\nhttps\t\t443/tcp\n' >/etc/services
grep -q '^hosts:' /etc/nsswitch.conf 2>/dev/null || echo 'hosts: files' >>/etc/nsswitch.conf

step "real servers, the seeds' other scripts, ipvsadm-save files"
corpus_round "
ipd eth0:10.62.0.2/24
ipw1 eth0:10.62.0.11/24
ipw2 eth0:10.62.0.12/24
rest eth0:10.81.0.1/24
vbd eth0:10.90.0.1/24 eth1:10.91.0.1/24
vbw eth0:10.90.0.11/24
dext eth0:10.92.0.1/24 eth1:10.192.0.1/24
tunr eth0:192.0.2.21/24
s2w eth0:172.25.0.31/24
s0d ens33:172.17.253.1/24
s0r eth0:172.17.253.132/24
s3r eth0:172.17.13.142/24
s4d eth0:192.168.4.2/24
sv6 eth0:10.66.0.1/24
snam eth0:10.65.0.1/24
" "ipd=ip-director.sh ipw1@10.62.0.11=ip-rs.sh ipw2@10.62.0.12=rs-all-only.sh
rest=ipvsadm-restore.sh vbd=vip-blocks.sh vbw@10.90.0.11=rs-scope.sh
dext=director-extras.sh tunr@192.0.2.21=tun-rp.sh s2w@172.25.0.31=seed002-lvs-rs
s0d=seed000-director.sh s0r@172.17.253.132=seed000-rs.sh
s3r@172.17.13.142=seed003-lvs-web.sh s4d=seed004-dr-director.sh
sv6=save-v6-fwmark snam=save-names" --hosts /etc/hosts

for f in hosts services nsswitch.conf; do
	rm -f /etc/$f
	if [ -e "$E2E_WORK/$f.orig" ]; then cp "$E2E_WORK/$f.orig" /etc/$f; fi
done

step "getopts.sh, whose option (-s) would be every script's \$1"
SCRIPT_ARG=-s
corpus_round "gopt eth0:10.59.0.1/24" "gopt=getopts.sh" --arg -s
unset SCRIPT_ARG
