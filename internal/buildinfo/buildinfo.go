// Package buildinfo says which netlab this is: the version stamped in at
// build time (packaging/build-deb, build-all), else what the Go toolchain
// recorded (module version, VCS revision).
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped by the linker: -X github.com/netlab/netlab/internal/buildinfo.Version=0.0.7
// (and .Commit). Empty in a plain `go build`.
var (
	Version string
	Commit  string
)

// Info is what `netlab version` prints.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go"`
}

// Get returns the stamped version when there is one, else the module
// version and VCS revision the toolchain recorded, else "dev".
func Get() Info {
	i := Info{Version: Version, Commit: Commit, GoVersion: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			i.Version = bi.Main.Version
		}
		if i.Commit == "" {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					i.Commit = s.Value
				}
			}
		}
		if bi.GoVersion != "" {
			i.GoVersion = bi.GoVersion
		}
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	if i.Commit == "" {
		i.Commit = "unknown"
	}
	return i
}

// String is the one line of `netlab --version`.
func (i Info) String() string {
	c := i.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("netlab %s (commit %s, %s)", i.Version, c, i.GoVersion)
}
