package kernel_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
)

// TestLabStateDirRefusesPlantedPaths: a symlink or an open directory where
// netlab's state goes is refused, never followed or used.
func TestLabStateDirRefusesPlantedPaths(t *testing.T) {
	old := kernel.StateRoot
	t.Cleanup(func() { kernel.StateRoot = old })
	tmp := t.TempDir()

	target := filepath.Join(tmp, "elsewhere")
	require.NoError(t, os.Mkdir(target, 0o700))
	kernel.StateRoot = filepath.Join(tmp, "link")
	require.NoError(t, os.Symlink(target, kernel.StateRoot))
	_, err := kernel.LabStateDir()
	require.ErrorContains(t, err, "is not a directory")
	entries, _ := os.ReadDir(target)
	require.Empty(t, entries, "netlab wrote through the symlink")

	kernel.StateRoot = filepath.Join(tmp, "open")
	require.NoError(t, os.Mkdir(kernel.StateRoot, 0o777))
	require.NoError(t, os.Chmod(kernel.StateRoot, 0o777))
	_, err = kernel.LabStateDir()
	require.ErrorContains(t, err, "open to other users")

	kernel.StateRoot = filepath.Join(tmp, "fresh")
	dir, err := kernel.LabStateDir()
	require.NoError(t, err)
	st, err := os.Lstat(dir)
	require.NoError(t, err)
	require.True(t, st.IsDir())
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	b, err := kernel.ReadStateFile("missing.json")
	require.NoError(t, err)
	require.Nil(t, b)
	require.NoError(t, kernel.WriteStateFile("x.json", []byte("{}")))
	b, err = kernel.ReadStateFile("x.json")
	require.NoError(t, err)
	require.Equal(t, "{}", string(b))
}
