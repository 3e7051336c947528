# convert-equivalence-loops: convert-equivalence (see there) for a director
# script looping over its real servers and one driven by a heredoc.
need_lvsctl
. ../convert-equivalence/compare.sh

step "a director script with a loop over the real servers"
fresh
node sa lvs eth0:10.0.0.1/24
node lv lvs eth0:10.0.0.1/24
run_script lvs loop-vars.sh
convert_apply lvs=loop-vars.sh
compare lvs loop-vars.sh

step "negative control: a difference nobody reported must fail the comparison"
must ip -n lvs addr add 10.0.0.200/32 dev eth0 label eth0:7
if unreported lvs loop-vars.sh; then
	fail "the comparison missed an address only lvsctl's side has"
fi
echo "ok: the comparison catches an unreported difference"

step "a heredoc-driven loop"
fresh
node sa lvs eth0:10.57.0.1/24
node lv lvs eth0:10.57.0.1/24
run_script lvs heredoc.sh
convert_apply lvs=heredoc.sh
compare lvs heredoc.sh
