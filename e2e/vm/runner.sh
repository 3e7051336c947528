#!/bin/sh
# runner.sh MODE TIMEOUT [SCENARIO...] — runs inside the VM. Each scenario is
# /e2e/scenarios/NAME/run.sh, sourced after lib.sh in a fresh shell, with its
# own time limit. The host driver parses these lines from the console:
#   @@LVSCTL-E2E READY <uptime>             the VM is up (seconds since kernel start)
#   @@LVSCTL-E2E BEGIN <name>
#   @@LVSCTL-E2E PASS <name> <seconds>
#   @@LVSCTL-E2E FAIL <name> <seconds>: <reason>
#   @@LVSCTL-E2E DONE
# No scenario given means all of them, in name order.
mode=${1:-test} limit=${2:-300}
shift 2 2>/dev/null
scenarios=/e2e/scenarios

uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }

echo "@@LVSCTL-E2E READY $(uptime_s)"
# shellcheck disable=SC2046 # scenario names have no spaces (the driver checks)
[ $# -gt 0 ] || set -- $(cd "$scenarios" && for d in */; do [ -f "$d/run.sh" ] && echo "${d%/}"; done)

for name in "$@"; do
	echo "@@LVSCTL-E2E BEGIN $name"
	start=$(uptime_s)
	work=/tmp/e2e/$name
	mkdir -p "$work"
	: >"$work/.reason"
	if [ ! -f "$scenarios/$name/run.sh" ]; then
		echo "@@LVSCTL-E2E FAIL $name 0: no scenario $scenarios/$name/run.sh in the image"
		continue
	fi
	# The scenario runs in its own session so that a timeout can kill all of
	# it; a watchdog in another session does the killing. e2e_cleanup then
	# takes care of what it left inside the namespaces.
	E2E_MODE=$mode E2E_DIR=$scenarios/$name E2E_WORK=$work E2E_NAME=$name \
		setsid sh -c ". $scenarios/lib.sh && cd \$E2E_DIR && . ./run.sh" </dev/null &
	pid=$!
	setsid sh -c "sleep $limit; echo timeout >$work/.timedout; kill -9 -$pid" </dev/null >/dev/null 2>&1 &
	watchdog=$!
	wait "$pid"
	rc=$?
	kill -9 -"$watchdog" -"$pid" 2>/dev/null
	reason=$(head -n1 "$work/.reason")
	# E2E_KEEP=1 (by hand, in the shell mode) leaves the lab up for a look.
	[ -n "$E2E_KEEP" ] || sh -c ". $scenarios/lib.sh && e2e_cleanup" </dev/null
	took=$(elapsed "$start")
	# Each apply keeps a copy of lvsctl for boot beside the scenario's
	# records (20+ MB); /tmp is the guest's memory, so they go with their
	# scenario, and a passed scenario's whole work directory with them.
	[ -n "$E2E_KEEP" ] || rm -rf "$work/records/bin"
	if [ "$rc" = 0 ] && [ -z "$reason" ]; then
		[ -n "$E2E_KEEP" ] || rm -rf "$work"
		echo "@@LVSCTL-E2E PASS $name $took"
	else
		[ -f "$work/.timedout" ] && reason="timed out after ${limit}s${reason:+ (last failure: $reason)}"
		echo "@@LVSCTL-E2E FAIL $name $took: ${reason:-run.sh exited $rc}"
	fi
done
echo "@@LVSCTL-E2E DONE"
