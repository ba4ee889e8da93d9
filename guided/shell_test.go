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

func newTestSession(t *testing.T) *Session {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	s, err := NewSession("/bin/true")
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestShellSetupBash(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	s := newTestSession(t)
	t.Setenv("SHELL", "/usr/bin/fish")
	var warn bytes.Buffer
	argv, env, err := s.Shell(ls[0], []ReplayStep{{Say: "replaying", Cmd: "netlab solve 1 --step 1"}}, &warn)
	require.NoError(t, err)
	require.Contains(t, warn.String(), "uses bash instead of fish")
	require.Equal(t, "--rcfile", argv[1])
	rc, err := os.ReadFile(filepath.Join(s.Dir, fileBash))
	require.NoError(t, err)
	for _, want := range []string{`. "$HOME/.bashrc"`, "PROMPT_COMMAND=\"__netlab_tick", "netlab __tick)",
		"$(netlab __tickd $$ </dev/null >/dev/null 8>&- 9>&- & echo $!)",
		"PS1='[netlab netns ${__netlab_pos}] # '", "netlab solve 1 --step 1 >>"} {
		require.Contains(t, string(rc), want)
	}
	require.Contains(t, env, EnvSession+"="+s.Dir)
	require.Contains(t, env, EnvLesson+"=1")

	// The bare shell keeps the learner's own shell.
	argv, _, err = newTestSession(t).Shell(nil, nil, &warn)
	require.NoError(t, err)
	require.Equal(t, []string{"/usr/bin/fish"}, argv)
}

// TestShellSetupZsh: zsh gets the same grading-server hook as bash (not a
// netlab start-up per prompt), in precmd.
func TestShellSetupZsh(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	s := newTestSession(t)
	t.Setenv("SHELL", "/usr/bin/zsh")
	argv, env, err := s.Shell(ls[0], nil, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, []string{"/usr/bin/zsh", "-i"}, argv)
	require.Contains(t, env, "ZDOTDIR="+filepath.Join(s.Dir, dirZsh))
	rc, err := os.ReadFile(filepath.Join(s.Dir, dirZsh, ".zshrc"))
	require.NoError(t, err)
	require.Contains(t, string(rc), hook)
	require.Contains(t, string(rc), "precmd_functions+=(__netlab_tick)")
	if zsh, err := exec.LookPath("zsh"); err == nil {
		// The rc file parses in zsh.
		out, err := exec.Command(zsh, "-n", filepath.Join(s.Dir, dirZsh, ".zshrc")).CombinedOutput()
		require.NoError(t, err, string(out))
	}
}
