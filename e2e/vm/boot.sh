#!/usr/bin/env bash
# boot.sh IMGDIR [SCENARIO...] — boot the image built by build.sh under qemu
# (TCG: a KVM guest hangs on some hosts) with the console on stdout. The
# VM runs the scenarios and powers off. Environment:
#   LVSCTL_E2E_MODE     test (default), demo, or shell (a root shell instead)
#   LVSCTL_E2E_TIMEOUT  per-scenario limit in seconds inside the VM (default 300)
#   LVSCTL_E2E_MEMORY   guest memory in MiB (default 1024)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

[ $# -ge 1 ] || die "usage: boot.sh IMGDIR [SCENARIO...]"
img=$1
shift
{ [ -f "$img/vmlinuz" ] && [ -f "$img/initrd.gz" ]; } || die "$img has no vmlinuz and initrd.gz; run build.sh $img first"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing; run build.sh (it installs it)"

run=$(IFS=,; echo "$*")
exec qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "${LVSCTL_E2E_MEMORY:-1024}" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$img/vmlinuz" -initrd "$img/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 lvsctl.mode=${LVSCTL_E2E_MODE:-test} lvsctl.timeout=${LVSCTL_E2E_TIMEOUT:-300} lvsctl.run=$run"
