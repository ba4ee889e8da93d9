package kernel_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

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

// TestLabStateDirRemovesGoneLabs: the directory of a lab whose namespace
// no process is in goes; a live one (ours), and one whose lock is held,
// stay.
func TestLabStateDirRemovesGoneLabs(t *testing.T) {
	old := kernel.StateRoot
	t.Cleanup(func() { kernel.StateRoot = old })
	kernel.StateRoot = filepath.Join(t.TempDir(), "run")
	own, err := kernel.LabStateDir()
	require.NoError(t, err)
	require.Regexp(t, `/net-\d+-\d+$`, own)
	// Inode 1 is no network namespace: that lab is gone.
	gone := filepath.Join(kernel.StateRoot, "net-1-7")
	require.NoError(t, os.Mkdir(gone, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(gone, "record.json"), []byte("{}"), 0o600))
	busy := filepath.Join(kernel.StateRoot, "net-2-7")
	require.NoError(t, os.Mkdir(busy, 0o700))
	f, err := os.Create(filepath.Join(busy, "lab.lock"))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, unix.Flock(int(f.Fd()), unix.LOCK_EX))
	// Our own inode with another cookie: a namespace that had our inode
	// number before; its record is not ours.
	var ino, ck uint64
	_, err = fmt.Sscanf(filepath.Base(own), "net-%d-%d", &ino, &ck)
	require.NoError(t, err)
	reused := filepath.Join(kernel.StateRoot, fmt.Sprintf("net-%d-%d", ino, ck+1))
	require.NoError(t, os.Mkdir(reused, 0o700))

	_, err = kernel.LabStateDir()
	require.NoError(t, err)
	require.NoDirExists(t, reused)
	require.DirExists(t, busy)
	require.DirExists(t, own)
	if l, _ := os.Readlink("/proc/self/ns/pid"); l == "pid:[4026531836]" {
		require.NoDirExists(t, gone)
	} else {
		require.DirExists(t, gone, "outside the initial PID namespace, liveness cannot be told")
	}
}
