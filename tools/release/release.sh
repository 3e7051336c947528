#!/bin/sh
# Builds a release of lvsctl into DIST: static linux binaries named
# lvsctl-linux-ARCH (the SSH transport looks for that name next to the
# running binary to copy the agent to a host of another architecture),
# SHA256SUMS, and the man pages in DIST/man.
#
#   tools/release/release.sh DIST [ARCH...]     default ARCHs: amd64 arm64
#
# GO, VERSION and COMMIT may be set; by default they come from git.
set -eu
dist=${1:?usage: release.sh DIST [ARCH...]}
shift
archs=${*:-amd64 arm64}
go=${GO:-go}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
pkg=github.com/lvsctl/lvsctl/internal/version
ldflags="-s -w -X $pkg.Version=$version -X $pkg.Commit=$commit"

mkdir -p "$dist"
# Remove only what this script makes: DIST may hold other files.
rm -rf "$dist"/lvsctl-linux-* "$dist/SHA256SUMS" "$dist/man"
for arch in $archs; do
	echo "build $dist/lvsctl-linux-$arch"
	CGO_ENABLED=0 GOOS=linux GOARCH="$arch" "$go" build -trimpath -ldflags "$ldflags" \
		-o "$dist/lvsctl-linux-$arch" ./cmd/lvsctl
done
(cd "$dist" && sha256sum lvsctl-linux-* > SHA256SUMS)

# The pages carry the date of the commit, so the same commit gives the same pages.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH
native="$dist/lvsctl-linux-$("$go" env GOARCH)"
if [ -x "$native" ]; then
	"$native" man "$dist/man"
else
	CGO_ENABLED=0 "$go" run -ldflags "$ldflags" ./cmd/lvsctl man "$dist/man"
fi
