# convert-equivalence-corpus-a, -b, -c: convert-equivalence (see there) for
# the rest of the convert corpus (testdata/convert/in): every script and
# ipvsadm-save file whose conversion is meant to do what it does, in three
# rounds of about fifteen hosts (corpus_round in compare.sh): each round's
# inputs run on the script's side, are converted together into one cluster
# and applied at once (one apply per round keeps the rounds quick).
# Not run: crlf.sh (bash cannot run it; operators run dos2unix), the endless
# loops, keepalived.conf and ifcfg files (nothing here runs them), a
# real-server script without its address and the stop branch (nothing to
# write), and the inputs convert-equivalence, -loops, -nat and -tun run.
# Host names are short: a veth is named v<namespace>-<interface>, at most
# 15 bytes.
#
# This one: director scripts, from functions to C-style loops; bash-only
# ones run by bash; the select menu answered "start".
need_lvsctl
. ../convert-equivalence/compare.sh

step "director scripts (1): functions, persistence, fwmark, UDP, GUE, IPv6, broken ones, sudo, a menu"
corpus_round "
fn eth1:192.168.10.1/24
pers eth0:172.16.1.1/24
fwm eth0:10.1.0.1/24
udp eth0:10.2.0.1/24
gue eth0:10.79.0.1/24
v6 eth0:10.3.0.1/24
bsyn eth0:10.50.0.1/24
bund eth0:10.51.0.1/24
bopt eth0:10.52.0.1/24
nosb eth0:10.54.0.1/24
sudo ens192:10.55.0.1/24
ind eth0:10.56.0.1/24
menu eth0:10.58.0.1/24
cl eth0:10.60.0.1/24
dsp eth0:10.61.0.1/24
tmo eth0:10.63.0.1/24
" "fn=functions.sh pers=persistence.sh fwm=fwmark.sh udp=udp-dns.sh
gue=tun-gue.sh v6=ipv6.sh bsyn=broken-syntax.sh bund=broken-undefined.sh
bopt=broken-options.sh nosb=no-shebang.sh sudo=sudo.sh ind=ipvsadm-indirect.sh
menu=select-menu.sh cl=c-loop.sh dsp=double-spaced.sh tmo=timeouts.sh" --branch start
