package sandbox_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// The variables that used to steer the sandbox (issue 8 item 4), and a
// forged handshake on fd 3, change nothing in a normal invocation: no
// command runs, no mount is made, the process does not count as inside.
func TestEnvironmentAndForgedHandshakeSteerNothing(t *testing.T) {
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	evil, err := json.Marshal([]string{"/bin/sh", "-c", "touch " + pwned})
	require.NoError(t, err)
	forged, err := json.Marshal(map[string]any{"magic": "netlab-sandbox/2", "nonce": "0123456789abcdef0123", "argv": []string{"/bin/sh", "-c", "touch " + pwned}})
	require.NoError(t, err)
	run := func(t *testing.T, sys *syscall.SysProcAttr) string {
		t.Helper()
		r, w, err := os.Pipe()
		require.NoError(t, err)
		_, err = w.Write(forged)
		require.NoError(t, err)
		w.Close()
		defer r.Close()
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), envProbe+"=1", "NETLAB_SANDBOX=1", "NETLAB_SANDBOX_INIT=1", "NETLAB_SANDBOX_EXEC="+string(evil))
		cmd.ExtraFiles = []*os.File{r}
		cmd.SysProcAttr = sys
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return string(out)
	}
	before, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	out := run(t, nil)
	require.Contains(t, out, "inside=false")
	after, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	require.Equal(t, string(before), string(after), "a normal invocation changed the mounts")
	require.NoFileExists(t, pwned)

	// PID 1 of a new PID namespace, but in the host's user namespace (only
	// root can make that): still not a sandbox's init. (Its own mount
	// namespace keeps the host safe should this ever regress.)
	if os.Geteuid() == 0 && sandbox.InitialUserNS() {
		out = run(t, &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWPID | unix.CLONE_NEWNS})
		require.Contains(t, out, "inside=false pid=1")
		require.NoFileExists(t, pwned)
	}
}

// Inside is read from the kernel: true in a sandbox, whatever the
// environment says.
func TestInsideIsTheKernelsWord(t *testing.T) {
	cmd, err := sandbox.Command(t.Context(), os.Args[0], nil, nil)
	require.NoError(t, err)
	cmd.Env = append(os.Environ(), envProbe+"=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	// The payload is not PID 1: netlab's init is.
	require.True(t, strings.HasPrefix(strings.TrimSpace(string(out)), "inside=true pid="), string(out))
	require.NotEqual(t, "inside=true pid=1", strings.TrimSpace(string(out)))
}

// Privilege is judged over the network namespace: root of a user
// namespace that does not own the network namespace (unshare -U -r alone)
// may not change it; with a network namespace of its own it may.
func TestCanAdminNetIsRelativeToTheNetworkNamespace(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		sandboxtest.Skip(t, "unshare (util-linux) is not installed")
	}
	if why := sandboxtest.Unavailable(); why != "" {
		sandboxtest.Skip(t, why)
	}
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		// Both ways of asking agree (the socket's is the one used; /proc's
		// is there for kernels without it).
		{[]string{"-U", "-r"}, "admin=false socket=false/true proc=false"},
		{[]string{"-U", "-r", "-n"}, "admin=true socket=true/true proc=true"},
	} {
		cmd := exec.Command(unshare, append(tc.flags, os.Args[0])...)
		cmd.Env = append(os.Environ(), envProbe+"=admin")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		require.Equal(t, tc.want, strings.TrimSpace(string(out)), "unshare %v", tc.flags)
	}
	// Outside, as root on the host, or as a user, it is what it was.
	require.Equal(t, os.Geteuid() == 0 && sandbox.InitialUserNS(), sandbox.CanAdminNet())
}
