#!/bin/sh
# bench/vm.sh [SCENARIO] — boots the e2e VM (root, qemu; see e2e/README.md)
# for the benchmark scenario (default bench-scale: 1k, 2k, 5k, 10k services
# x 10 NAT servers; bench-quick: 1k and 2k) and prints its figures as a
# table: lvsctl and the reference tool on the same work in the same boot,
# and their ratio. The raw console goes to bench/vm-console.log.
set -eu
scenario=${1:-bench-scale}
here=$(cd "$(dirname "$0")/.." && pwd)
log=$here/bench/vm-console.log
cd "$here"
LVSCTL_E2E=1 LVSCTL_E2E_CONSOLE=1 LVSCTL_E2E_TIMEOUT=${LVSCTL_E2E_TIMEOUT:-10800} \
	LVSCTL_E2E_VM_TIMEOUT=${LVSCTL_E2E_VM_TIMEOUT:-4h} LVSCTL_E2E_MEMORY=${LVSCTL_E2E_MEMORY:-2048} \
	go test -count=1 -timeout 5h ./e2e -run "TestVM/^$scenario\$" -v >"$log" 2>&1 || {
	tail -n 30 "$log"
	exit 1
}
printf '| services | lvsctl apply | ipvsadm -R | ratio | lvsctl plan (no-op) | ipvsadm -Sn | ratio | one weight: apply | changes |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
grep -o '@@BENCH .*' "$log" | awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "| %s | %s s | %s s | %s | %s s | %s s | %s | %s s | %s |\n", v["n"], v["apply"], v["ipvsadm_R"], v["apply_ratio"], v["plan"], v["ipvsadm_Sn"], v["plan_ratio"], v["weight"], v["weight_changes"]
}'
