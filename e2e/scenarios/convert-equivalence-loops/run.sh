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

step "a heredoc-driven loop"
fresh
node sa lvs eth0:10.57.0.1/24
node lv lvs eth0:10.57.0.1/24
run_script lvs heredoc.sh
convert_apply lvs=heredoc.sh
compare lvs heredoc.sh
