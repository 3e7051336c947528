# convert-equivalence-corpus-b: see convert-equivalence-corpus-a. This one:
# director scripts, from the sync daemon to a classful netmask; a script
# that loads /etc/sysctl.conf finds its sysctl.conf there.
need_lvsctl
. ../convert-equivalence/compare.sh

step "director scripts (2): sync daemon, edits, labels, prefixes, sysctls, thresholds, flags, two directors"
corpus_round "
sync eth0:10.64.0.1/24 eth1:10.164.0.1/24
edit eth0:192.168.4.1/24
clab eth0:10.67.0.1/24
vpre eth0:10.68.0.1/24
dsys eth0:10.69.0.1/24
mvip eth0:10.70.0.1/24
thr eth0:10.71.0.1/24
shf eth0:10.72.0.1/24
lock eth0:10.73.0.1/24
sysd eth0:10.74.0.1/24
two1 eth0:10.75.0.1/24
two2 eth0:10.75.0.2/24
rhel eth0:10.77.0.1/24
unk eth0:10.78.0.1/24
zero eth0:10.80.0.1/24
clsf eth0:172.20.0.1/16
" "sync=sync-daemon.sh edit=edits.sh clab=custom-label.sh vpre=vip-prefix.sh
dsys=director-sysctls.sh mvip=multi-vip.sh thr=thresholds.sh shf=sh-flags.sh
lock=lockfile.sh sysd=sysctl-director.conf sysd=sysctl-director.sh
two1=two-directors.sh two2=two-directors.sh rhel=rhel-action.sh
unk=unknown-cmd.sh zero=zero-port.sh clsf=classful.sh"
