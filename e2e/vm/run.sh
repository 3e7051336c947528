#!/usr/bin/env bash
# run.sh [SCENARIO...] — build the image and boot it with the console on
# this terminal: the way to watch one scenario by hand. No scenario runs
# them all. LVSCTL_E2E_MODE=shell gives a root shell in the VM instead
# (the scenarios are in /e2e/scenarios; run one with
# `/e2e/runner.sh test 300 NAME`); LVSCTL_E2E_MODE=demo is `make demo`.
# qemu holds the terminal: Ctrl-A X quits it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

img=$E2E_CACHE/image
"$here/build.sh" "$img"
mode=${LVSCTL_E2E_MODE:-test}
if [ "$mode" != demo ]; then
	exec "$here/boot.sh" "$img" "$@"
fi

# The demo hides the firmware and kernel noise before the runner starts and
# turns the markers into words.
"$here/boot.sh" "$img" "$@" | awk '
	/@@LVSCTL-E2E READY/ { ready = 1; next }
	!ready { next }
	/@@LVSCTL-E2E BEGIN/ { next }
	/@@LVSCTL-E2E PASS/ { sub(/.*@@LVSCTL-E2E PASS /, ""); printf "\n\033[1mPASS\033[0m %s: done in %ss inside the VM\n", $1, $2; ok++; next }
	/@@LVSCTL-E2E FAIL/ { sub(/.*@@LVSCTL-E2E FAIL /, ""); printf "\n\033[1mFAIL\033[0m %s\n", $0; bad++; next }
	/@@LVSCTL-E2E DONE/ { exit }
	/reboot: Power down/ { next }
	{ print; fflush() }
	END { exit bad > 0 || ok == 0 }
'
