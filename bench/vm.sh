#!/bin/sh
# bench/vm.sh [SCENARIO] — boots the e2e VM (root, qemu; see e2e/README.md)
# for the benchmark scenario (default bench-scale: 1k, 2k, 5k, 10k, 20k
# services x 10 NAT servers; bench-5k: 1k, 2k, 5k; bench-quick: 1k and 2k;
# bench-noest, bench-5k-noest: the same with the kernel's rate estimators off)
# and prints its figures as a table: lvsctl and the reference tool on the
# same work in the same boot, and their ratio, the kernel writes as nlcount
# counted them on a nlmon device, and the host's load average before and
# after. With LVSCTL_E2E_BASE=FILE (a static lvsctl, e.g. main's), each
# size also times that lvsctl's no-op plan, validate and show, and ours
# again, in the same boot: a second table. With two sizes or more it draws the growth into
# docs/bench-growth.svg (bench/plot). The raw console goes to
# bench/vm-console.log.
set -eu
scenario=${1:-bench-scale}
here=$(cd "$(dirname "$0")/.." && pwd)
log=$here/bench/vm-console.log
cd "$here"
echo "host load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
LVSCTL_E2E=1 LVSCTL_E2E_CONSOLE=1 LVSCTL_E2E_TIMEOUT=${LVSCTL_E2E_TIMEOUT:-10800} \
	LVSCTL_E2E_VM_TIMEOUT=${LVSCTL_E2E_VM_TIMEOUT:-4h} LVSCTL_E2E_MEMORY=${LVSCTL_E2E_MEMORY:-2048} \
	go test -count=1 -timeout 5h ./e2e -run "TestVM/^$scenario\$" -v >"$log" 2>&1 || {
	tail -n 30 "$log"
	echo "host load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	exit 1
}
echo "host load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| services | lvsctl apply (CPU) | ipvsadm -R (sys, CPU) | ratio | kernel writes | lvsctl plan, no-op (CPU) | ipvsadm -Sn (sys, CPU) | ratio | of which validate, show | one weight: apply | vs plan | kernel writes | estimators | VM load |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |\n'
grep -o '@@BENCH .*' "$log" | awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "| %s | %s s (%s s) | %s s (%s s, %s s) | %s | %s | %s s (%s s) | %s s (%s s, %s s) | %s | %s s, %s s | %s s | %s | %s | %s | %s |\n", v["n"], v["apply"], v["apply_cpu"], v["ipvsadm_R"], v["ipvsadm_R_sys"], v["ipvsadm_R_cpu"], v["apply_ratio"], v["apply_writes"], v["plan"], v["plan_cpu"], v["ipvsadm_Sn"], v["ipvsadm_Sn_sys"], v["ipvsadm_Sn_cpu"], v["plan_ratio"], v["validate"], v["show"], v["weight"], v["weight_ratio"], v["weight_writes"], (v["est"] == "0" ? "off" : "on"), v["load"]
}'
echo
echo "Each tool's own work (user CPU; the kernel's IPVS work is sys, the same work for both):"
printf '| services | lvsctl apply | ipvsadm -R | lvsctl plan | ipvsadm -Sn |\n| ---: | ---: | ---: | ---: | ---: |\n'
grep -o '@@BENCH .*' "$log" | awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "| %s | %s s | %s s | %s s | %s s |\n", v["n"], v["apply_user"], v["ipvsadm_R_user"], v["plan_user"], v["ipvsadm_Sn_user"]
}'
if grep -q '@@BENCH .*base_plan=' "$log"; then
	printf '\nBeside the baseline (LVSCTL_E2E_BASE), same boot: no-op plan (this, baseline, this again), validate, show\n'
	printf '| services | plan | baseline plan | plan again | validate | baseline validate | show | baseline show | ipvsadm -Sn |\n'
	printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
	grep -o '@@BENCH .*' "$log" | awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "| %s | %s s | %s s | %s s | %s s | %s s | %s s | %s s | %s s |\n", v["n"], v["plan"], v["base_plan"], v["plan2"], v["validate"], v["base_validate"], v["show"], v["base_show"], v["ipvsadm_Sn"]
	}'
fi
if [ "$(grep -c '@@BENCH ' "$log")" -ge 2 ]; then
	grep '@@BENCH ' "$log" | go run ./bench/plot >docs/bench-growth.svg
	echo "growth plotted in docs/bench-growth.svg"
fi
