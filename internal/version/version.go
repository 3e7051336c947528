// Package version is lvsctl's one version source: `lvsctl version`, the
// saved plan and the agent's hello all say what String returns.
package version

import "runtime/debug"

// Version and Commit are set at build time:
//
//	go build -ldflags "-X github.com/lvsctl/lvsctl/internal/version.Version=v1.2.3
//	  -X github.com/lvsctl/lvsctl/internal/version.Commit=abc123"
//
// (make build and make release set them from git).
var (
	Version = "dev"
	Commit  = ""
)

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

// Revision is Commit, or else the VCS revision go build stamped into the
// binary ("-dirty" when the tree had changes), or "unknown".
func Revision() string {
	if Commit != "" {
		return Commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	rev = rev[:min(12, len(rev))]
	if dirty {
		rev += "-dirty"
	}
	return rev
}
