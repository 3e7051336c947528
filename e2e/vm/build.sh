#!/usr/bin/env bash
# build.sh OUTDIR — build the VM image for the e2e harness:
#   OUTDIR/vmlinuz    the stock Debian kernel (cached, see common.sh)
#   OUTDIR/initrd.gz  busybox, bash, iproute2's ip, ipvsadm, the IPVS modules, a
#                     static lvsctl (or the one $LVSCTL_E2E_LVSCTL names),
#                     the IPVS conformance test binary, the scenarios and
#                     the in-VM runner; rebuilt on every run because it
#                     carries fresh binaries.
# A Go binary that does not compile does not stop the build: its error is
# put into the image instead, and the scenarios that need it fail with it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

[ $# -eq 1 ] || die "usage: build.sh OUTDIR"
out=$1
repo=$(cd "$here/../.." && pwd)

# The IPVS core, its module closure (libcrc32c asks the crypto API for
# crc32c at run time, which modules.dep cannot know), every scheduler, and
# what the lab topologies need.
modules="crc32c_generic ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr
ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh veth bridge ipip
fou ip_gre gre sctp sit ip6_tunnel"
# Not loaded at boot, only present: the kernel loads them on demand through
# /sbin/modprobe, as on a stock host (netlink families that a netlink
# handle may open, such as NETLINK_XFRM).
on_demand="xfrm_user nfnetlink nlmon"

ensure_deps
tree=$(kernel_tree)
kver=$(ls "$tree/lib/modules")

mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,var,e2e/bin,e2e/missing,lib/modules/"$kver"}
ln -s ../run "$root/var/run"

# Busybox and its applets; iproute2's ip replaces busybox's (no netns there).
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# copy_elf copies a dynamic binary with its ELF interpreter and libraries,
# at the same paths as on this machine.
copy_elf() {
	local bin=$1 dest=$2 lib
	cp "$bin" "$root$dest"
	for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
rm -f "$root/bin/ip"
# The kernel runs /sbin/modprobe to load modules on demand.
ln -s ../bin/busybox "$root/sbin/modprobe"
copy_elf "$(command -v ip || echo /usr/sbin/ip)" /sbin/ip
copy_elf "$(command -v ipvsadm || echo /usr/sbin/ipvsadm)" /sbin/ipvsadm
# bash, for the init scripts of the convert corpus that need it (arrays,
# select, C-style for): this machine's own, with its libraries (bash is
# essential on Debian, so a fresh machine has it).
copy_elf "$(command -v bash || echo /bin/bash)" /bin/bash
# OpenSSH's server and key tool, for the scenario that reaches the director
# over SSH (sshd re-executes itself, so it keeps its path), and the users
# sshd needs: root with a POSIX shell, and its privilege separation user.
mkdir -p "$root/usr/sbin" "$root/usr/bin"
copy_elf /usr/sbin/sshd /usr/sbin/sshd
copy_elf /usr/bin/ssh-keygen /usr/bin/ssh-keygen
printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nshadow: files\n' >"$root/etc/nsswitch.conf"
mkdir -p "$root/root"
# The dynamic loader is looked up under /lib64 as well as where ldd saw it.
[ -e "$root/lib64" ] || ln -s lib "$root/lib64"

# Kernel modules: copy the closure of each, then index the copy.
for m in $modules $on_demand; do
	for ko in $(modprobe -d "$tree" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'); do
		rel=${ko#"$tree"/lib/modules/"$kver"/}
		mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
		cp "$ko" "$root/lib/modules/$kver/$rel"
	done
done
cp "$tree/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$kver/"
depmod -b "$root" "$kver"
echo "$modules" | tr ' ' '\n' | grep . >"$root/etc/e2e-modules"

# go_build NAME ARGS... builds a static binary into /e2e/bin/NAME, or
# records why it could not into /e2e/missing/NAME.
go_build() {
	local name=$1 verb=$2
	shift 2
	log "building $name"
	if ! (cd "$repo" && CGO_ENABLED=0 go "$verb" -o "$root/e2e/bin/$name" "$@") >"$out/$name.build.log" 2>&1; then
		log "$name does not build (the scenarios that need it will fail); see $out/$name.build.log"
		{
			echo "go $verb $* failed on the host:"
			tail -n 20 "$out/$name.build.log"
		} >"$root/e2e/missing/$name"
		rm -f "$root/e2e/bin/$name"
	elif [ ! -f "$root/e2e/bin/$name" ]; then
		# go test -c writes nothing for a package without tests.
		echo "go $verb $* wrote no binary (a package without test files?)" >"$root/e2e/missing/$name"
	fi
}
command -v go >/dev/null || die "go is not on PATH"
if [ -n "${LVSCTL_E2E_LVSCTL:-}" ]; then
	# A prebuilt lvsctl (it must be static: the image has no Go runtime libs).
	[ -x "$LVSCTL_E2E_LVSCTL" ] || die "LVSCTL_E2E_LVSCTL=$LVSCTL_E2E_LVSCTL is not an executable"
	cp "$LVSCTL_E2E_LVSCTL" "$root/e2e/bin/lvsctl"
else
	go_build lvsctl build -trimpath ./cmd/lvsctl
fi
# bench-scale's baseline (bench/vm.sh with LVSCTL_E2E_BASE): another static
# lvsctl, timed beside this one in the same boot.
if [ -n "${LVSCTL_E2E_BASE:-}" ]; then
	[ -x "$LVSCTL_E2E_BASE" ] || die "LVSCTL_E2E_BASE=$LVSCTL_E2E_BASE is not an executable"
	cp "$LVSCTL_E2E_BASE" "$root/e2e/bin/lvsctl-base"
fi
go_build ipvs.test test -c -tags ipvskernel ./providers/ipvs
# The benchmark's independent count of kernel requests (bench-scale).
go_build nlcount build ./bench/nlcount

cp "$here/init" "$root/init"
cp "$here/runner.sh" "$root/e2e/runner.sh"
cp -r "$repo/e2e/scenarios" "$root/e2e/scenarios"
# The convert corpus's inputs, which the convert-equivalence scenarios run.
cp -r "$repo/testdata/convert/in" "$root/e2e/corpus"
chmod +x "$root/init" "$root/e2e/runner.sh"

cp "$tree/boot/vmlinuz-$kver" "$out/vmlinuz"
# Sorted names and fixed times keep the archive reproducible for equal inputs.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --quiet --reproducible) | gzip -1 -n >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
log "image ready in $out ($(du -h "$out/initrd.gz" | cut -f1) initramfs, kernel $kver)"
