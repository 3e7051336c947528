// Package version is lvsctl's one version source: `lvsctl version`, the
// saved plan and the agent's hello all say what String returns.
package version

import "runtime/debug"

// Version is set at build time:
//
//	go build -ldflags "-X github.com/lvsctl/lvsctl/internal/version.Version=v1.2.3"
//
// (make build sets it from git describe).
var Version = "dev"

// String is Version, or, in a binary built without it by
// `go install github.com/lvsctl/lvsctl/cmd/lvsctl@v1.2.3`, the module
// version Go recorded.
func String() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
