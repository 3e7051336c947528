#!/bin/sh
# bench/validate.sh [SERVICES] [SERVERS] — load + validate + compile of a
# director with SERVICES services of SERVERS NAT servers (default 10,000 x
# 10), written flat (one block per service) and with a dynamic block per
# service's servers; prints wall time, CPU time (user + sys: what the
# machine's other load does not inflate much) and peak RSS of `lvsctl
# validate` for each (GNU time), and the load average. The reference is
# hcl's own parse of the same file and nothing else (bench/hclparse:
# hclsyntax.ParseConfig, one CPU), measured in the same run; the ratio is
# of CPU times. Natively; no root needed.
set -eu
n=${1:-10000}
m=${2:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && go build -o "$work/lvsctl" ./cmd/lvsctl && go build -o "$work/hclparse" ./bench/hclparse)

awk -v n="$n" -v m="$m" 'BEGIN {
	print "director \"lvs\" {\n  netns = \"lvs\"\n  interface = \"eth0\"\n}\n"
	for (i = 0; i < n; i++) {
		printf "virtual_server \"s%d\" {\n  directors = [\"lvs\"]\n  protocol = \"tcp\"\n  vip = \"10.%d.%d.%d\"\n  port = 80\n  method = \"nat\"\n", i, 1 + int(i / 62500), int(i / 250) % 250, 1 + i % 250
		for (j = 0; j < m; j++) printf "  server \"172.16.%d.%d:80\" {}\n", int(j / 250), 1 + j % 250
		print "}\n"
	}
}' >"$work/flat.hcl"

awk -v n="$n" -v m="$m" 'BEGIN {
	printf "locals {\n  rips = [for j in range(%d) : format(\"172.16.%%d.%%d:80\", floor(j / 250), 1 + j %% 250)]\n}\n\n", m
	print "director \"lvs\" {\n  netns = \"lvs\"\n  interface = \"eth0\"\n}\n"
	for (i = 0; i < n; i++) {
		printf "virtual_server \"s%d\" {\n  directors = [\"lvs\"]\n  protocol = \"tcp\"\n  vip = \"10.%d.%d.%d\"\n  port = 80\n  method = \"nat\"\n", i, 1 + int(i / 62500), int(i / 250) % 250, 1 + i % 250
		print "  dynamic \"server\" {\n    for_each = local.rips\n    labels = [server.value]\n    content {}\n  }\n}\n"
	}
}' >"$work/dynamic.hcl"

# measure PROGRAM ARGS...: sets secs, cpu (user + sys), user, sys, mb.
measure() {
	/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null
	read -r secs user sys kb <"$work/time"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	mb=$((kb / 1024))
}

for form in flat dynamic; do
	size=$(wc -c <"$work/$form.hcl")
	measure "$work/lvsctl" validate "$work/$form.hcl"
	echo "validate $form $n x $m ($((size / 1024)) KiB): ${secs}s (CPU ${cpu}s = ${user}s user + ${sys}s sys), peak RSS $mb MB, load average $(cut -d' ' -f1 /proc/loadavg)"
	ours=$cpu
	measure "$work/hclparse" "$work/$form.hcl"
	echo "  reference hclsyntax.ParseConfig alone: ${secs}s (CPU ${cpu}s = ${user}s user + ${sys}s sys), peak RSS $mb MB; lvsctl/reference CPU $(awk -v a="$ours" -v b="$cpu" 'BEGIN { printf "%.2f", a / b }')"
done
