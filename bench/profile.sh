#!/bin/sh
# bench/profile.sh — boots the e2e VM (root, qemu; see e2e/README.md) for
# the bench-profile scenario: CPU profiles (LVSCTL_CPUPROFILE) of lvsctl
# apply from empty, a no-op plan, show -o json and one weight changed at 1,000 services x 10
# NAT servers, the agent's apart. They are written to bench/profiles/
# (read them with `go tool pprof -top bench/profiles/apply.agent.*`) and the
# top of each is printed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
log=$here/bench/profile-console.log
out=$here/bench/profiles
cd "$here"
echo "host load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
LVSCTL_E2E=1 LVSCTL_E2E_CONSOLE=1 LVSCTL_E2E_TIMEOUT=${LVSCTL_E2E_TIMEOUT:-1800} LVSCTL_E2E_VM_TIMEOUT=${LVSCTL_E2E_VM_TIMEOUT:-40m} LVSCTL_E2E_MEMORY=${LVSCTL_E2E_MEMORY:-2048} \
	go test -count=1 -timeout 1h ./e2e -run 'TestVM/^bench-profile$' -v >"$log" 2>&1 || {
	tail -n 30 "$log"
	exit 1
}
echo "host load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$out"
mkdir -p "$out"
# The console may end lines with \r.
tr -d '\r' <"$log" | awk -v out="$out" '
	/^@@PROFILE / { name = $2; file = out "/" name ".b64"; next }
	/^@@END / { close(file); name = ""; next }
	name != "" { print > file }'
for b in "$out"/*.b64; do
	base64 -d "$b" >"${b%.b64}"
	rm "$b"
done
for p in "$out"/*; do
	echo "== $(basename "$p")"
	go tool pprof -top -nodecount=25 "$p" 2>/dev/null | head -n 32
done
