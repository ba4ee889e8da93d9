package sandbox

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

func fakeRoots(t *testing.T) (run, tmp string) {
	t.Helper()
	base := t.TempDir()
	run, tmp = filepath.Join(base, "run-user"), filepath.Join(base, "tmp")
	require.NoError(t, os.Mkdir(run, 0o755))
	require.NoError(t, os.Mkdir(tmp, 0o1777))
	oldRun, oldTmp := runUserDir, tmpDir
	runUserDir, tmpDir = run, tmp
	t.Cleanup(func() { runUserDir, tmpDir = oldRun, oldTmp })
	return run, tmp
}

// The registry lives in the user's own runtime directory, else in a 0700
// directory of /tmp that netlab verifies; it follows no symlink and
// trusts no directory another user could have made or can write.
func TestRegistryDir(t *testing.T) {
	me := os.Geteuid()
	run, tmp := fakeRoots(t)
	d, err := registryDir(me, true)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(tmp, "netlab-"+strconv.Itoa(me)), d)
	st, err := os.Lstat(d)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())

	// /run/user/UID, when it is the user's, wins.
	require.NoError(t, os.Mkdir(filepath.Join(run, strconv.Itoa(me)), 0o700))
	d, err = registryDir(me, true)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(run, strconv.Itoa(me), "netlab"), d)

	// A planted symlink, or a directory open to others, is refused.
	_, tmp = fakeRoots(t)
	target := t.TempDir()
	require.NoError(t, os.Symlink(target, filepath.Join(tmp, "netlab-"+strconv.Itoa(me))))
	_, err = registryDir(me, true)
	require.ErrorContains(t, err, "not a directory")
	_, tmp = fakeRoots(t)
	open := filepath.Join(tmp, "netlab-"+strconv.Itoa(me))
	require.NoError(t, os.Mkdir(open, 0o700))
	require.NoError(t, os.Chmod(open, 0o777))
	_, err = registryDir(me, true)
	require.ErrorContains(t, err, "open to other users")
	if me == 0 {
		// Made by another user: refused.
		require.NoError(t, os.Chmod(open, 0o700))
		require.NoError(t, os.Chown(open, 12345, 12345))
		_, err = registryDir(me, true)
		require.ErrorContains(t, err, "belongs to uid 12345")
	}
}

// Running keeps a record only while its pid is that sandbox's init, and
// removes the others: a dead pid, a pid reused by another process.
func TestRunningDropsStaleRecords(t *testing.T) {
	fakeRoots(t)
	me := os.Getuid()
	dir, err := registryDir(me, true)
	require.NoError(t, err)
	h := handshake{Nonce: "sh-0123456789abcdef", HostUID: me, Lesson: 2, Label: "lesson 2 (veth)"}
	// This test process is no sandbox init: its /run has no such nonce.
	unreg, err := register(h, os.Getpid(), "")
	require.NoError(t, err)
	defer unreg()
	// A pid that does not exist.
	_, err = register(h, 1<<22+7, "")
	require.NoError(t, err)
	recs, err := Running()
	require.NoError(t, err)
	require.Empty(t, recs)
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, ents, "stale records were kept")

	// A record that is a symlink or not JSON is ignored, never followed.
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "1234.json")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "99.json"), []byte("{"), 0o600))
	recs, err = Running()
	require.NoError(t, err)
	require.Empty(t, recs)
}

// Explain says which setting refuses and how to fix it, in one sentence.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{os.NewSyscallError("clone", syscall.ENOSPC), "sudo sysctl -w user.max_user_namespaces=15000"},
		{os.NewSyscallError("clone", syscall.EPERM), "refuses user namespaces"},
		{errors.New("error: mount /proc: invalid argument"), "mount /proc: invalid argument; `netlab doctor`"},
	} {
		msg := Explain(tc.err).Error()
		if len(Refusals(os.ReadFile, os.Geteuid() == 0 && InitialUserNS())) > 0 {
			require.Contains(t, msg, "fix:") // this machine refuses: its own sentence
			continue
		}
		require.Contains(t, msg, tc.want)
		require.NotContains(t, msg, "\n")
	}
}

// Refusals: each switch, and the ones that spare root.
func TestRefusals(t *testing.T) {
	read := func(files map[string]string) func(string) ([]byte, error) {
		return func(p string) ([]byte, error) {
			if v, ok := files[p]; ok {
				return []byte(v), nil
			}
			return nil, os.ErrNotExist
		}
	}
	all := map[string]string{
		"/proc/sys/user/max_user_namespaces":                     "0\n",
		"/proc/sys/kernel/unprivileged_userns_clone":             "0\n",
		"/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1\n",
	}
	names := func(rs []Refusal) (out []string) {
		for _, r := range rs {
			out = append(out, r.Setting)
		}
		return out
	}
	require.Equal(t, []string{"user.max_user_namespaces", "kernel.unprivileged_userns_clone", "kernel.apparmor_restrict_unprivileged_userns"}, names(Refusals(read(all), false)))
	require.Equal(t, []string{"user.max_user_namespaces"}, names(Refusals(read(all), true)))
	all[AppArmorProfile] = "profile"
	require.Equal(t, []string{"user.max_user_namespaces", "kernel.unprivileged_userns_clone"}, names(Refusals(read(all), false)))
	require.Empty(t, Refusals(read(map[string]string{"/proc/sys/user/max_user_namespaces": "15000"}), false))
}

// Under sudo the learner's login shell and home are theirs, from the
// passwd entry of SUDO_UID; SUDO_UID=0 gives nobody, not root.
func TestIdentityUnderSudo(t *testing.T) {
	if os.Geteuid() != 0 || !InitialUserNS() {
		t.Setenv("SUDO_UID", "1")
		require.Equal(t, "", LearnerShell(), "SUDO_UID steers nothing for a user")
		require.Equal(t, os.Geteuid(), IdentityFor(false).UID)
		return
	}
	u, err := user.LookupId("1")
	if err != nil {
		t.Skip("no uid 1 here")
	}
	t.Setenv("SUDO_UID", "1")
	t.Setenv("SUDO_GID", "1")
	id := IdentityFor(false)
	require.Equal(t, 1, id.UID)
	require.Equal(t, u.HomeDir, id.Learner.HomeDir)
	require.Equal(t, loginShell(u.Username), LearnerShell())
	require.NotEmpty(t, LearnerShell())
	env := withLearner([]string{"HOME=/root", "SHELL=/bin/bash", "PATH=/bin"}, id.Learner)
	require.Contains(t, env, "HOME="+u.HomeDir)
	require.Contains(t, env, "PATH=/bin")
	require.NotContains(t, env, "HOME=/root")

	t.Setenv("SUDO_UID", "0")
	require.Equal(t, nobody, IdentityFor(false).UID)
	require.Equal(t, 0, IdentityFor(true).UID, "tests keep their own identity")
	t.Setenv("SUDO_UID", "")
	require.Equal(t, nobody, IdentityFor(false).UID)
	require.Equal(t, "", LearnerShell())
}
