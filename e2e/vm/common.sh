# shellcheck shell=bash
# Shared by the host-side scripts of the VM harness (build.sh, boot.sh, run.sh):
# error reporting, the download cache, apt dependencies and the kernel.

# The Debian kernel metapackage whose versioned dependency we boot. Its
# modules (ip_vs and friends) are what this machine's own kernel lacks.
E2E_KERNEL_META=${LVSCTL_E2E_KERNEL_META:-linux-image-amd64}

E2E_CACHE=${LVSCTL_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lvsctl-e2e}

# Host packages the image is built from, as command=package.
E2E_DEPS="qemu-system-x86_64=qemu-system-x86 busybox=busybox-static depmod=kmod
cpio=cpio ipvsadm=ipvsadm ip=iproute2 gzip=gzip sshd=openssh-server ssh-keygen=openssh-client"

die() {
	echo "lvsctl-e2e: $*" >&2
	exit 1
}

log() { echo "lvsctl-e2e: $*" >&2; }

# ensure_deps installs the missing host packages with apt. A fresh CI machine
# has none of them; a developer machine usually has them all, and then this
# does not touch apt at all.
ensure_deps() {
	local missing="" pair cmd pkg
	for pair in $E2E_DEPS; do
		cmd=${pair%%=*} pkg=${pair#*=}
		# busybox must be the static build: the dynamic one is useless in the image.
		if [ "$cmd" = busybox ]; then
			[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 && continue
		elif PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1; then
			continue
		fi
		missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	command -v apt-get >/dev/null || die "missing packages:$missing (and no apt-get to install them; install them by hand)"
	[ "$(id -u)" = 0 ] || die "missing packages:$missing; run as root or install them: sudo apt-get install -y$missing"
	log "installing$missing"
	apt-get update -qq || die "apt-get update failed"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

# kernel_tree prints the directory holding the extracted kernel package
# (boot/vmlinuz-VER, lib/modules/VER with modules.dep). The .deb and the tree
# are cached, keyed by the versioned package name: a second run downloads
# nothing, and a new Debian kernel simply lands beside the old one.
kernel_tree() {
	local pkg deb tree
	pkg=$(apt-cache depends "$E2E_KERNEL_META" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	if [ -z "$pkg" ]; then
		cached_tree || die "cannot resolve $E2E_KERNEL_META to a versioned kernel package (run apt-get update?)"
		return
	fi
	tree=$E2E_CACHE/tree/$pkg
	if [ -f "$tree/.complete" ]; then
		echo "$tree"
		return
	fi
	mkdir -p "$E2E_CACHE/deb" "$E2E_CACHE/tree"
	deb=$(ls "$E2E_CACHE"/deb/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading $pkg into $E2E_CACHE/deb"
		# apt-get download writes to the current directory.
		if ! (cd "$E2E_CACHE/deb" && apt-get download "$pkg") >"$E2E_CACHE/download.log" 2>&1; then
			cat "$E2E_CACHE/download.log" >&2
			log "apt-get download $pkg failed; trying an older cached kernel"
			cached_tree || die "apt-get download $pkg failed and no kernel is cached in $E2E_CACHE"
			return
		fi
		deb=$(ls "$E2E_CACHE"/deb/"${pkg}"_*.deb 2>/dev/null | head -n1)
		[ -n "$deb" ] || die "apt-get download $pkg produced no .deb in $E2E_CACHE/deb"
	fi
	log "extracting $(basename "$deb")"
	rm -rf "$tree.tmp"
	dpkg -x "$deb" "$tree.tmp" || die "dpkg -x $deb failed"
	local ver
	ver=$(ls "$tree.tmp/lib/modules")
	depmod -b "$tree.tmp" "$ver" || die "depmod for $ver failed"
	touch "$tree.tmp/.complete"
	rm -rf "$tree"
	mv "$tree.tmp" "$tree"
	echo "$tree"
}

# cached_tree prints the newest kernel tree in the cache, for when apt
# cannot say or fetch the current one (offline).
cached_tree() {
	local tree
	tree=$(find "$E2E_CACHE/tree" -mindepth 1 -maxdepth 1 -name 'linux-image-*' ! -name '*.tmp' 2>/dev/null | sort -V | tail -n1)
	[ -n "$tree" ] && [ -f "$tree/.complete" ] || return 1
	log "using the cached kernel $(basename "$tree")"
	echo "$tree"
}
