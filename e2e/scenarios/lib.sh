# shellcheck shell=sh
# Helpers for the scenarios, sourced (with busybox sh) before each run.sh
# inside the VM. lvsctl does the work; ipvsadm, ip, /proc/sys and real
# requests from the client namespace judge it. Any failed check calls fail,
# which records the reason for the runner and ends the scenario.
#
# Environment from the runner: E2E_NAME, E2E_DIR (the scenario directory),
# E2E_WORK (a scratch directory of its own), E2E_MODE (test or demo).

LVSCTL=/e2e/bin/lvsctl

# busybox sh runs its own applets before anything on PATH, and busybox's ip
# knows nothing of namespaces: name iproute2's explicitly.
ip() { /sbin/ip "$@"; }
# Ownership records of this scenario only, so scenarios cannot see each other's.
export LVSCTL_RECORD_DIR="$E2E_WORK/records"
# The boot unit apply installs goes under the scenario too, not into the VM's /etc.
export LVSCTL_BOOT_ROOT="$E2E_WORK/root"

# fail REASON... ends the scenario; the first reason is the one reported.
fail() {
	[ -s "$E2E_WORK/.reason" ] || echo "$*" >"$E2E_WORK/.reason"
	echo "!!! FAIL: $*"
	exit 1
}

# step TEXT prints a heading, so the console log reads as a story.
step() {
	echo
	if [ "$E2E_MODE" = demo ]; then
		echo "=== $*"
	else
		# The VM's uptime, to see where a slow scenario spends its time.
		echo "=== [$(cut -d' ' -f1 /proc/uptime)s] $*"
	fi
}

# run CMD... echoes (except in the demo) and runs a command, returning its status.
run() {
	[ "$E2E_MODE" = demo ] || echo "+ $*"
	"$@"
}

# must CMD... runs a command that has to succeed.
must() {
	run "$@" || fail "command failed (exit $?): $*"
}

assert_eq() { # assert_eq WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1 = '$3'"
}

# need_lvsctl fails the scenario when lvsctl did not build on the host.
need_lvsctl() {
	need_binary lvsctl
}

need_binary() {
	[ -x "/e2e/bin/$1" ] && return 0
	if [ -f "/e2e/missing/$1" ]; then
		cat "/e2e/missing/$1"
		# The first compiler error, else the line after the failed command.
		fail "$1 did not build on the host: $(grep -m1 -E '\.go:[0-9]+:' "/e2e/missing/$1" || sed -n 2p "/e2e/missing/$1")"
	fi
	fail "/e2e/bin/$1 is not in the image"
}

# color_flag prints -no-color except in the demo; used unquoted, so that
# nothing at all is passed in the demo.
color_flag() { [ "$E2E_MODE" = demo ] || echo -no-color; }

# lvsctl ARGS... runs lvsctl (echoed), returning its exit status.
lvsctl() {
	echo "\$ lvsctl $*"
	"$LVSCTL" "$@"
}

# apply PATH [FLAGS...] applies a config and fails the scenario on error.
apply() {
	cfg=$1
	shift
	# shellcheck disable=SC2046
	lvsctl apply -auto-approve $(color_flag) "$@" "$cfg" || fail "lvsctl apply${*:+ $*} $cfg exited $?"
}

# plan_status PATH [FLAGS...] prints the plan and sets PLAN_RC to the
# -detailed-exitcode status (0 no changes, 2 changes, 1 error).
plan_status() {
	cfg=$1
	shift
	# shellcheck disable=SC2046
	lvsctl plan -detailed-exitcode $(color_flag) "$@" "$cfg" >"$E2E_WORK/plan.out" 2>&1
	PLAN_RC=$?
	cat "$E2E_WORK/plan.out"
}

# expect_no_changes PATH [FLAGS...]: the live state matches the config.
expect_no_changes() {
	plan_status "$@"
	[ "$PLAN_RC" = 0 ] || fail "plan of $1 after apply: exit $PLAN_RC, want 0 (no changes); not idempotent"
	echo "ok: plan of $1 has no changes"
}

# expect_changes PATH [FLAGS...]: the config differs from the live state.
expect_changes() {
	plan_status "$@"
	[ "$PLAN_RC" = 2 ] || fail "plan of $1: exit $PLAN_RC, want 2 (changes)"
}

# plan_json PATH [FLAGS...] saves the JSON plan for plan_action.
plan_json() {
	cfg=$1
	shift
	lvsctl plan -json "$@" "$cfg" >"$E2E_WORK/plan.json" || fail "lvsctl plan -json $* $cfg exited $?"
}

# plan_action ADDRESS prints the actions of the change with that address
# in the last plan_json ("update", "create,delete", ...), or nothing. The
# VM has no jq: the JSON is flattened and cut at each change.
plan_action() {
	a=$(echo "$1" | tr -d ' ')
	plan_flat | sed 's/{"actions":/\n&/g' |
		grep -F "\"address\":\"$a\"" | sed -n 's/^{"actions":\[\([^]]*\)\].*/\1/p' | tr -d '"' | head -n1
}

# plan_flat prints the last JSON plan without white space, with ">" (which
# JSON encoders may write as \u003e) unescaped: a form grep can match.
plan_flat() {
	tr -d ' \n' <"$E2E_WORK/plan.json" | sed 's/\\u003e/>/g'
}

# expect_action ADDRESS ACTIONS: the last JSON plan does ACTIONS to ADDRESS.
expect_action() {
	got=$(plan_action "$1")
	if [ "$got" != "$2" ]; then
		echo "the changes in the plan:"
		plan_flat | grep -o '"actions":\[[^]]*\],"kind":"[a-z]*","address":"[^"]*"'
	fi
	assert_eq "actions on $1 in the plan" "$got" "$2"
}

# plan_has REGEX: the last plan printed a line matching REGEX.
plan_has() {
	grep -Eq -- "$1" "$E2E_WORK/plan.out" || fail "the plan does not show /$1/"
	echo "ok: plan shows /$1/"
}

plan_lacks() {
	! grep -Eq -- "$1" "$E2E_WORK/plan.out" || fail "the plan shows /$1/ and should not"
	echo "ok: plan does not show /$1/"
}

# --- topology ---------------------------------------------------------------

# bridge_add NAME creates a bridge in the VM's root namespace: the lab's switch.
bridge_add() {
	must ip link add "$1" type bridge
	must ip link set "$1" up
}

# host_add NS creates a namespace with loopback up.
host_add() {
	must ip netns add "$1"
	must ip -n "$1" link set lo up
}

# host_link NS BRIDGE IFACE ADDR/PREFIX plugs NS into BRIDGE as IFACE.
host_link() {
	peer="v$1-$3"
	must ip link add "$peer" type veth peer name "$3" netns "$1"
	must ip link set "$peer" master "$2" up
	must ip -n "$1" link set "$3" up
	must ip -n "$1" addr add "$4" dev "$3"
}

# host_route NS ROUTE... adds a route inside NS (e.g. default via 172.25.0.1).
host_route() {
	ns=$1
	shift
	must ip -n "$ns" route add "$@"
}

# web_start NS [PORT] serves "NS" over HTTP on PORT (default 80) inside NS.
web_start() {
	mkdir -p "$E2E_WORK/www/$1"
	echo "$1" >"$E2E_WORK/www/$1/index.html"
	must ip netns exec "$1" busybox httpd -p "${2:-80}" -h "$E2E_WORK/www/$1"
}

# echo_start NS PORT keeps an echo server listening on PORT inside NS.
echo_start() {
	ip netns exec "$1" busybox nc -ll -p "$2" -e /bin/cat </dev/null >/dev/null 2>&1 &
}

# lab_dr builds seed 002's DR lab on one segment 172.25.0.0/24:
#   client .10, director lvs .1 (eth0), real servers rs1 .31 and rs2 .32
#   serving their own name on port 80. Nothing about IPVS is set up.
lab_dr() {
	bridge_add e2ebr0
	for h in client:10 lvs:1 rs1:31 rs2:32; do
		host_add "${h%:*}"
		host_link "${h%:*}" e2ebr0 eth0 "172.25.0.${h#*:}/24"
	done
	web_start rs1
	web_start rs2
}

# --- judges -----------------------------------------------------------------

# http_get NS ADDR [PORT] prints the body of GET / from inside NS, or nothing.
http_get() {
	printf 'GET / HTTP/1.0\r\n\r\n' |
		ip netns exec "$1" timeout 5 busybox nc "$2" "${3:-80}" 2>/dev/null |
		tr -d '\r' | sed '1,/^$/d'
}

# answers NS ADDR PORT COUNT prints the answers of COUNT requests, space-separated.
answers() {
	i=0 got=""
	while [ "$i" -lt "$4" ]; do
		a=$(http_get "$1" "$2" "$3")
		got="$got ${a:-none}"
		# The demo shows each request as it happens (on stderr: the
		# answers themselves are this function's output).
		[ "$E2E_MODE" != demo ] || echo "  $1: GET http://$2:$3/  ->  ${a:-no answer}" >&2
		i=$((i + 1))
	done
	echo "${got# }"
}

# expect_alternation NS ADDR PORT NAME... : 2×N requests from NS reach every
# named server, never the same one twice in a row (rr over N servers).
expect_alternation() {
	ns=$1 addr=$2 port=$3
	shift 3
	got=$(answers "$ns" "$addr" "$port" $((2 * $#)))
	echo "requests from $ns to $addr:$port answered by: $got"
	check_alternation "$got" "$@" || fail "requests to $addr:$port were not balanced over $*: $got"
	echo "ok: balanced over $*"
}

# check_alternation "ANSWERS" NAME... succeeds when ANSWERS hit every NAME
# and no name twice in a row.
check_alternation() {
	got=$1
	shift
	for n in "$@"; do
		case " $got " in *" $n "*) ;; *) return 1 ;; esac
	done
	prev=""
	for a in $got; do
		[ "$a" != none ] && [ "$a" != "$prev" ] || return 1
		prev=$a
	done
}

# wait_for_line FILE TEXT WHAT waits up to 10 s for FILE to have the line TEXT.
wait_for_line() {
	i=0
	while ! grep -qx "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 20 ] || fail "timed out waiting for $3 ('$2' in $1: $(tail -n3 "$1" 2>/dev/null))"
		sleep 0.5
	done
	echo "ok: $2"
}

# ipvs_table NS prints the IPVS table of NS as ipvsadm -Sn, sorted: the
# kernel lists services in hash order.
ipvs_table() {
	ip netns exec "$1" ipvsadm -Sn | sort
}

# ipvs_table_equals NS reads the expected ipvsadm -Sn lines from stdin.
ipvs_table_equals() {
	want=$(grep -v '^[[:space:]]*$' | sed 's/^[[:space:]]*//' | sort)
	got=$(ipvs_table "$1")
	if [ "$got" != "$want" ]; then
		echo "--- want (ipvsadm -Sn in $1)"
		echo "$want"
		echo "--- got"
		echo "$got"
		fail "the IPVS table of $1 is not the declared one"
	fi
	echo "ok: IPVS table of $1:"
	echo "$got" | sed 's/^/    /'
}

# ipvs_table_like NS REFNS compares the IPVS tables of two namespaces:
# REFNS holds the same services made by hand with ipvsadm, the seeds' way,
# so the expectation does not depend on guessing ipvsadm's output format.
ipvs_table_like() {
	want=$(ipvs_table "$2")
	got=$(ipvs_table "$1")
	if [ "$got" != "$want" ]; then
		echo "--- want (ipvsadm -Sn in $2, made by hand)"
		echo "$want"
		echo "--- got (ipvsadm -Sn in $1)"
		echo "$got"
		fail "the IPVS table of $1 differs from the one made by hand in $2"
	fi
	echo "ok: IPVS table of $1 equals the hand-made one ($(echo "$got" | grep -c .) lines)"
}

# ipvs_ref NS FILE makes a fresh namespace NS and runs the ipvsadm
# commands of FILE (one per line, without "ipvsadm") in it.
ipvs_ref() {
	ip netns delete "$1" 2>/dev/null
	host_add "$1"
	grep -v '^[[:space:]]*\(#\|$\)' "$2" | while read -r args; do
		# shellcheck disable=SC2086 # a line holds several arguments
		ip netns exec "$1" ipvsadm $args || { echo "ipvsadm $args failed"; exit 1; }
	done || fail "the hand-made reference table $2 does not load"
}

# ipvs_conns NS SERVICE prints the connection counter (ipvsadm --stats)
# of a service such as "-t 172.25.0.100:80". It resets when a service is
# deleted and created again, which an edit in place must not do. The
# kernel publishes the counters every 2 s (the rate estimator), so this
# waits up to 10 s for the counter to reach at least MIN (default 1).
ipvs_conns() {
	i=0
	while :; do
		# shellcheck disable=SC2086 # SERVICE is "-t ADDR:PORT", two arguments
		n=$(ip netns exec "$1" ipvsadm -Ln --stats $2 | awk '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { print $3; exit }')
		[ "${n:-0}" -ge "${3:-1}" ] || [ "$i" -ge 20 ] && break
		i=$((i + 1))
		sleep 0.5
	done
	echo "$n"
}

# sysctl_of NS NAME prints a sysctl (dotted name) inside NS.
sysctl_of() {
	ip netns exec "$1" cat "/proc/sys/$(echo "$2" | tr . /)" 2>/dev/null || echo missing
}

expect_sysctl() { # expect_sysctl NS NAME VALUE
	assert_eq "$2 in $1" "$(sysctl_of "$1" "$2")" "$3"
}

# has_addr NS IFACE PREFIX succeeds when IFACE in NS carries PREFIX.
has_addr() {
	ip -n "$1" -o addr show dev "$2" 2>/dev/null | grep -q " $3 "
}

expect_addr() {
	has_addr "$@" || fail "$3 is not on $2 in $1: $(ip -n "$1" -o addr show dev "$2" 2>&1 | awk '{print $4}' | tr '\n' ' ')"
	echo "ok: $3 on $2 in $1"
}

expect_no_addr() {
	! has_addr "$@" || fail "$3 is still on $2 in $1"
	echo "ok: $3 not on $2 in $1"
}

# --- generated clusters (faults, bench) ---------------------------------------

# gen_cluster FILE SERVICES SERVERS [CLUSTER [PORTBASE]] writes a director
# lvs (netns lvs, eth0) with SERVICES tcp services on VIP 172.25.0.100,
# ports PORTBASE (10000) upwards, each with SERVERS NAT servers, wrr; and
# the same table as ipvsadm -R input in FILE.ipvsadm.
gen_cluster() {
	awk -v n="$2" -v m="$3" -v c="$4" -v base="${5:-10000}" -v rules="$1.ipvsadm" 'BEGIN {
		if (c != "") printf "cluster = \"%s\"\n\n", c
		print "director \"lvs\" {\n  netns     = \"lvs\"\n  interface = \"eth0\"\n  address   = \"172.25.0.1\"\n}\n"
		for (i = 0; i < n; i++) {
			printf "virtual_server \"s%d\" {\n  directors = [\"lvs\"]\n  protocol  = \"tcp\"\n  vip       = \"172.25.0.100\"\n  port      = %d\n  scheduler = \"wrr\"\n  method    = \"nat\"\n", i, base + i
			printf "-A -t 172.25.0.100:%d -s wrr\n", base + i >rules
			for (j = 0; j < m; j++) {
				rip = sprintf("172.25.%d.%d", 1 + int(j / 250), 1 + j % 250)
				printf "  server \"%s:80\" {}\n", rip
				printf "-a -t 172.25.0.100:%d -r %s:80 -m -w 1\n", base + i, rip >rules
			}
			print "}\n"
		}
	}' >"$1"
}

# lab_director builds one director, lvs (172.25.0.1 on eth0), on a bridge.
lab_director() {
	bridge_add e2ebr0
	host_add lvs
	host_link lvs e2ebr0 eth0 172.25.0.1/24
}

# host_view NS prints what lvsctl may change in NS, sorted: the IPVS table,
# the addresses, the routes and ip_forward; to compare before and after.
host_view() {
	ipvs_table "$1"
	ip -n "$1" -o addr show | awk '{print $2, $4}' | grep -v fe80 | sort
	ip -n "$1" route show table all | grep -v fe80 | sort
	ip netns exec "$1" cat /proc/sys/net/ipv4/ip_forward
}

# --- cleanup ----------------------------------------------------------------

# e2e_cleanup removes everything a scenario may have built: processes in
# its namespaces, the namespaces, the bridges and the VM's own IPVS table.
e2e_cleanup() {
	for ns in $(ip netns list | awk '{print $1}'); do
		for pid in $(ip netns pids "$ns"); do
			kill -9 "$pid" 2>/dev/null
		done
		ip netns delete "$ns"
	done
	for br in $(ip -o link show type bridge | awk -F': ' '{print $2}' | grep '^e2e'); do
		ip link delete "$br"
	done
	ipvsadm -C 2>/dev/null
	return 0
}
