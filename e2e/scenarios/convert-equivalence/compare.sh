# Helpers of the convert-equivalence scenarios (sourced by their run.sh):
# two sides of namespaces, one where a script runs and one where lvsctl
# applies the script's conversion, and the comparison of their kernels.

# What the scripts expect of a RHEL box: the init-script helpers and the
# net-tools paths (busybox provides ifconfig and route).
# RHEL's helpers that the corpus's rhel-action.sh uses: action runs a command.
mkdir -p /etc/rc.d/init.d /etc/init.d
cat >/etc/rc.d/init.d/functions <<'EOF2'
action() { shift; "$@"; }
echo_success() { echo "[  OK  ]"; }
EOF2
cp /etc/rc.d/init.d/functions /etc/init.d/functions
for t in ifconfig route sysctl; do
	[ -e /sbin/$t ] || ln -s /bin/busybox /sbin/$t
done
mkdir -p /usr/sbin
[ -e /usr/sbin/ipvsadm ] || ln -s /sbin/ipvsadm /usr/sbin/ipvsadm
# sudo as root uses it: its options dropped, the command run.
if [ ! -e /bin/sudo ]; then
	cat >/bin/sudo <<'EOF2'
#!/bin/sh
while [ $# -gt 0 ]; do
	case $1 in
	-u | -g) shift 2 ;;
	-*) shift ;;
	*) break ;;
	esac
done
exec "$@"
EOF2
	chmod +x /bin/sudo
fi

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
	# One shell inside the namespace, shell builtins where a process would
	# do (a process costs much under TCG, with dozens of namespaces).
	# shellcheck disable=SC2016
	ip netns exec "$1" sh -c '
		pre() { while IFS= read -r l; do echo "$1$l"; done; }
		/sbin/ipvsadm -Sn | pre "ipvs "
		/sbin/ipvsadm -L --timeout | pre "ipvs "
		/sbin/ipvsadm -L --daemon | pre "ipvs daemon "
		/sbin/ip -4 -o addr show | awk "{
			label = \$2; scope = \"\"
			for (i = 5; i <= NF; i++) {
				if (\$i == \"scope\") { scope = \$(i + 1) }
				if (\$i ~ /\\\\\$/) { label = substr(\$i, 1, length(\$i) - 1) }
			}
			print \"addr\", \$2, \$4, \"label\", label, \"scope\", scope }"
		/sbin/ip -6 -o addr show scope global | while read -r _ dev _ a _; do echo "addr6 $dev $a"; done
		/sbin/ip -4 route show table main | sed "s/ proto [a-z0-9]*//; s/ scope [a-z]*//" | pre "route "
		cd /proc/sys/net || exit 1
		show() { v=missing; [ -r "$1" ] && read -r v <"$1"; n=$1; echo "sysctl net.${n//\//.}=$v"; }
		for s in ipv4/ip_forward ipv4/conf/all/arp_ignore ipv4/conf/all/arp_announce \
			ipv4/conf/all/rp_filter ipv4/conf/all/send_redirects ipv4/conf/all/accept_redirects \
			ipv4/vs/expire_nodest_conn ipv6/conf/all/forwarding; do
			show "$s"
		done
		for d in ipv4/conf/*; do
			case $d in ipv4/conf/all | ipv4/conf/default) continue ;; esac
			for s in arp_ignore arp_announce rp_filter send_redirects; do show "$d/$s"; done
		done' | sort
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
		token=$(echo "$line" | grep -oE '([0-9]+\.){3}[0-9]+|net\.ipv[46]\.[a-z0-9_./]+|[0-9a-f]+(:[0-9a-f]*){2,}' | head -n1)
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

# run_script NAME FILE [ARGS]: the script, run as its init system would:
# by bash when its first line names bash, else by sh; with ANSWER set, that
# line is its standard input (a select menu's choice).
run_script() {
	shell="sh"
	head -n1 "$2" | grep -q bash && shell=bash
	echo "+ ip netns exec sa-$1 $shell $2 ${3:-start}"
	printf '%s\n' "${ANSWER:-}" | ip netns exec "sa-$1" $shell "$2" "${3:-start}" 2>&1 | sed 's/^/  | /'
}

# restore NAME FILE: an ipvsadm-save file, restored as the ipvsadm service does.
restore() {
	echo "+ ip netns exec sa-$1 ipvsadm -R <$2"
	ip netns exec "sa-$1" ipvsadm -R <"$2" 2>&1 | sed 's/^/  | /'
}

# fresh starts a case: no namespaces, no ownership records of the last case
# (they would remember its hosts as peers).
fresh() {
	e2e_cleanup
	rm -rf "$LVSCTL_RECORD_DIR"
	bridge_add e2esa
	bridge_add e2elv
}


# nodes reads lines "NAME IFACE:ADDR..." and makes each host on both sides
# as node does, with the links made by ip -batch: a process per command is
# what makes dozens of hosts slow under TCG.
nodes() {
	links=$E2E_WORK/links.batch
	: >"$links"
	rm -f "$E2E_WORK"/ns-*.batch
	while read -r name ifaces; do
		[ -n "$name" ] || continue
		for ns in "sa-$name" "$name"; do
			side=lv
			[ "$ns" = "sa-$name" ] && side=sa
			must ip netns add "$ns"
			echo "link set lo up" >"$E2E_WORK/ns-$ns.batch"
			for ia in $ifaces; do
				ifc=${ia%%:*}
				echo "link add v$ns-$ifc type veth peer name $ifc netns $ns" >>"$links"
				echo "link set v$ns-$ifc master e2e$side up" >>"$links"
				printf 'link set %s up\naddr add %s dev %s\n' "$ifc" "${ia#*:}" "$ifc" >>"$E2E_WORK/ns-$ns.batch"
			done
		done
	done
	must ip -batch "$links"
	for f in "$E2E_WORK"/ns-*.batch; do
		ns=${f##*/ns-}
		must ip -n "${ns%.batch}" -batch "$f"
	done
}

# phase says where a round is, with the VM's uptime, to see where time goes.
phase() {
	echo "--- [$(cut -d' ' -f1 /proc/uptime)s] $*"
}

# corpus_round HOSTS INPUTS [CONVERT FLAGS...]: the inputs of the convert
# corpus (in the image as /e2e/corpus), NAME[@ADDRESS]=FILE as lvsctl convert
# takes them, each run on the script's side of its host (made from HOSTS,
# lines "NAME IFACE:ADDR..."), then converted together into one cluster that
# lvsctl applies at once, and each host compared. Files named *save* are
# restored with ipvsadm -R; a *.conf is the /etc/sysctl.conf its host's
# script loads; select-menu.sh is answered "1" (start); scripts get
# $SCRIPT_ARG (default start) as $1.
corpus_round() {
	hosts=$1 inputs=$2
	shift 2
	cd /e2e/corpus || fail "the image has no /e2e/corpus (e2e/vm/build.sh copies testdata/convert/in there)"
	fresh
	echo "$hosts" | nodes
	phase "the scripts"
	for in in $inputs; do
		name=${in%%=*} file=${in#*=}
		name=${name%%@*}
		case $file in
		*.conf) cp "$file" /etc/sysctl.conf ;;
		*save*) restore "$name" "$file" ;;
		select-menu.sh)
			ANSWER=1
			run_script "$name" "$file"
			unset ANSWER
			;;
		*) run_script "$name" "$file" "${SCRIPT_ARG:-start}" ;;
		esac
		case $file in *.conf) ;; *) rm -f /etc/sysctl.conf ;; esac
	done
	phase "convert and apply"
	# shellcheck disable=SC2086
	convert_apply "$@" $inputs
	phase "compare"
	bad=""
	for in in $inputs; do
		name=${in%%=*} file=${in#*=}
		case $file in *.conf) continue ;; esac
		unreported "${name%%@*}" "$file" || bad="$bad ${name%%@*}($file)"
	done
	cd "$E2E_DIR" || true
	[ -z "$bad" ] || fail "differences between the scripts and lvsctl that lvsctl convert did not report:$bad (see above; stderr in $E2E_WORK/convert.err)"
}
