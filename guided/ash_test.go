package guided

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/lessons"
)

func TestIsAsh(t *testing.T) {
	dir := t.TempDir()
	bb := filepath.Join(dir, "busybox")
	require.NoError(t, os.WriteFile(bb, nil, 0o755))
	sh := filepath.Join(dir, "sh")
	require.NoError(t, os.Symlink(bb, sh))
	dash := filepath.Join(dir, "dash")
	require.NoError(t, os.WriteFile(dash, nil, 0o755))
	sh2 := filepath.Join(t.TempDir(), "sh")
	require.NoError(t, os.Symlink(dash, sh2))
	for shell, want := range map[string]bool{
		"/bin/ash": true, "/usr/bin/ash": true, sh: true, bb: true,
		sh2: false, "/bin/bash": false, "/usr/bin/zsh": false, "": false, "/bin/dash": false,
	} {
		require.Equal(t, want, isAsh(shell), shell)
	}
}

// TestShellSetupAsh: BusyBox ash (OpenWrt) reads the guided env file from
// $ENV, keeps the learner's own $ENV, and asks the grading server from
// its prompt.
func TestShellSetupAsh(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	s := newTestSession(t)
	t.Setenv("SHELL", "/bin/ash")
	t.Setenv("ENV", "/etc/learner-env")
	argv, env, err := s.Shell(ls[1], []ReplayStep{{Say: "replaying", Cmd: "netlab solve 2 --step 1"}}, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, []string{"/bin/ash", "-i"}, argv)
	rcPath := filepath.Join(s.Dir, fileAsh)
	require.Contains(t, env, "ENV="+rcPath)
	rc, err := os.ReadFile(rcPath)
	require.NoError(t, err)
	for _, want := range []string{"[ -f '/etc/learner-env' ] && . '/etc/learner-env'",
		"$(netlab __tickd $$ </dev/null >/dev/null 8>&- 9>&- & echo $!)",
		"PS1='[netlab veth $(__netlab_pos)] # '", "netlab solve 2 --step 1 >>"} {
		require.Contains(t, string(rc), want)
	}
	if bb, err := exec.LookPath("busybox"); err == nil {
		// The env file is valid ash.
		out, err := exec.Command(bb, "ash", "-n", rcPath).CombinedOutput()
		require.NoError(t, err, string(out))
	}
}
