package buildinfo

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStampWins(t *testing.T) {
	old, oldC := Version, Commit
	t.Cleanup(func() { Version, Commit = old, oldC })
	Version, Commit = "0.0.7", "0123456789abcdef0123"
	i := Get()
	require.Equal(t, "0.0.7", i.Version)
	require.Equal(t, "0123456789abcdef0123", i.Commit)
	require.Equal(t, "netlab 0.0.7 (commit 0123456789ab, "+i.GoVersion+")", i.String())
}

func TestUnstampedFallsBack(t *testing.T) {
	old, oldC := Version, Commit
	t.Cleanup(func() { Version, Commit = old, oldC })
	Version, Commit = "", ""
	i := Get()
	// A test binary has no module version: "dev", never empty.
	require.Equal(t, "dev", i.Version)
	require.NotEmpty(t, i.Commit)
	require.Equal(t, runtime.Version(), i.GoVersion)
}
