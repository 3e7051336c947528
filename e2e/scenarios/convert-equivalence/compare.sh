# Helpers of the convert-equivalence scenarios (sourced by their run.sh):
# two sides of namespaces, one where a script runs and one where lvsctl
# applies the script's conversion, and the comparison of their kernels.

# What the scripts expect of a RHEL box: the init-script helpers and the
# net-tools paths (busybox provides ifconfig and route).
mkdir -p /etc/rc.d/init.d
: >/etc/rc.d/init.d/functions
for t in ifconfig route sysctl; do
	[ -e /sbin/$t ] || ln -s /bin/busybox /sbin/$t
done

# node SIDE NAME IFACE:ADDR... makes the namespace of host NAME for a side
# ("sa" the script's, "lv" lvsctl's: there the namespace is NAME itself),
# with each interface on the side's bridge.
node() {
	side=$1 name=$2
	shift 2
	ns=$name
	[ "$side" = sa ] && ns=sa-$name
	host_add "$ns"
	for ia in "$@"; do
		host_link "$ns" "e2e$side" "${ia%%:*}" "${ia#*:}"
	done
}

# dump NS prints the state both sides are compared on, one fact a line.
dump() {
	facts "$1" | sed 's/[[:space:]]*$//'
}

facts() {
	ip netns exec "$1" ipvsadm -Sn | sed 's/^/ipvs /' | sort
	ip -n "$1" -4 -o addr show | awk '{
		label = $2
		for (i = 5; i <= NF; i++) if ($i ~ /\\$/) { label = substr($i, 1, length($i) - 1) }
		print "addr", $2, $4, "label", label }' | sort
	ip -n "$1" -4 route show table main | sed 's/ proto [a-z0-9]*//; s/ scope [a-z]*//; s/^/route /' | sort
	for s in ip_forward conf.all.arp_ignore conf.all.arp_announce conf.all.rp_filter; do
		echo "sysctl net.ipv4.$s=$(sysctl_of "$1" "net.ipv4.$s")"
	done
	for i in $(ip -n "$1" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
		for s in arp_ignore arp_announce rp_filter; do
			echo "sysctl net.ipv4.conf.$i.$s=$(sysctl_of "$1" "net.ipv4.conf.$i.$s")"
		done
	done
}

# compare NAME FILE: the two sides' host NAME are equal, or each differing
# line names something (an address or a sysctl) that lvsctl convert
# reported about FILE, the input of that host.
compare() {
	unreported "$1" "$2" || fail "$1: a difference between the script and lvsctl that lvsctl convert did not report (see above; stderr in $E2E_WORK/convert.err)"
}

# unreported NAME FILE is compare's judgement: it fails, printing both
# sides, when a difference is not one lvsctl convert reported about FILE.
unreported() {
	dump "sa-$1" >"$E2E_WORK/$1.script"
	dump "$1" >"$E2E_WORK/$1.lvsctl"
	diffs=$(sort "$E2E_WORK/$1.script" "$E2E_WORK/$1.lvsctl" | uniq -u)
	if [ -z "$diffs" ]; then
		echo "ok: $1 is the same after the script and after lvsctl apply ($(grep -c . "$E2E_WORK/$1.script") facts)"
		return 0
	fi
	echo "$diffs" | while read -r line; do
		side=script
		grep -qxF "$line" "$E2E_WORK/$1.lvsctl" && side=lvsctl
		token=$(echo "$line" | grep -oE '([0-9]+\.){3}[0-9]+|net\.ipv4\.[a-z0-9_.]+' | head -n1)
		if [ -n "$token" ] && grep -F "$2" "$E2E_WORK/convert.err" | grep -qF "$token"; then
			echo "ok: $1 differs, as reported: only after the $side: $line"
		else
			echo "!!! $1: only after the $side: $line (not reported by lvsctl convert about $2)"
			echo "--- after the script:"
			cat "$E2E_WORK/$1.script"
			echo "--- after lvsctl:"
			cat "$E2E_WORK/$1.lvsctl"
			exit 1
		fi
	done
}

# convert_apply ARGS...: lvsctl convert --netns ARGS into the case's HCL
# (exit 0 or 2 both fine: 2 means it reported something), then apply it.
convert_apply() {
	lvsctl convert --netns -o "$E2E_WORK/cluster.hcl" "$@" 2>"$E2E_WORK/convert.err"
	rc=$?
	cat "$E2E_WORK/convert.err"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "lvsctl convert $* exited $rc"
	must lvsctl validate "$E2E_WORK/cluster.hcl"
	apply "$E2E_WORK/cluster.hcl"
	expect_no_changes "$E2E_WORK/cluster.hcl"
}

# run_script NAME FILE [ARGS]: the script, run as its init system would.
run_script() {
	echo "+ ip netns exec sa-$1 sh $2 ${3:-start}"
	ip netns exec "sa-$1" sh "$2" "${3:-start}" 2>&1 | sed 's/^/  | /'
}

# fresh starts a case: no namespaces, no ownership records of the last case
# (they would remember its hosts as peers).
fresh() {
	e2e_cleanup
	rm -rf "$LVSCTL_RECORD_DIR"
	bridge_add e2esa
	bridge_add e2elv
}

