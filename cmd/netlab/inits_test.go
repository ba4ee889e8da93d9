package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// initAllowance are the allocations a netlab package's init may make.
// Every other package of netlab's own allocates nothing at init: a
// package-level map literal, sync.OnceValue(s), regexp.MustCompile or
// slices built by calls run at every start (issue 11: `netlab check 2`
// pays them with a cold cache, after a script that spawned a dozen
// processes). Use a switch, a constant array, a function, or
// internal/lazy instead.
var initAllowance = map[string]int{
	// catalog_gen.go's `var compiled = map[Lang][]message{...}` (a map
	// and its one group: 2 allocations, ~400 bytes). It is generated; a
	// generator that emits a switch on the language can bring this to 0.
	"github.com/netlab/netlab/i18n": 2,
}

// initLine is one line of GODEBUG=inittrace=1: a package whose init did
// some work (a package with nothing to do prints none).
var initLine = regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs$`)

func TestOwnInitsAllocateNothing(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "netlab")
	// Built as the benchmark and the release build it (bench/, packaging/).
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	run := exec.Command(bin, "--version")
	run.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err = run.CombinedOutput()
	require.NoError(t, err, "%s", out)

	lines := initLine.FindAllStringSubmatch(string(out), -1)
	// The runtime's own packages always trace: a run that shows no line
	// did not trace at all, and would prove nothing.
	require.NotEmpty(t, lines, "GODEBUG=inittrace=1 printed no init line:\n%s", out)
	const own = "github.com/netlab/netlab/"
	for _, m := range lines {
		pkg := m[1]
		if !strings.HasPrefix(pkg, own) {
			continue
		}
		allocs, err := strconv.Atoi(m[3])
		require.NoError(t, err)
		require.LessOrEqual(t, allocs, initAllowance[pkg],
			"%s allocates %s times (%s bytes) at init, at every netlab start: make its package-level maps switches, its sync.OnceValue an internal/lazy.Value (see initAllowance)", pkg, m[3], m[2])
	}
}
