package sandbox_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// membersOf lists the host pids of processes in the PID namespace
// "pid:[N]" (those this test may see), with their command lines.
func membersOf(pidns string) map[int]string {
	out := map[int]string{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil && l == pidns {
			cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			out[pid] = strings.ReplaceAll(string(cmd), "\x00", " ")
		}
	}
	return out
}

// startTime identifies a process beyond its pid (pids are reused).
func startTime(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

// The acceptance of issue 10 for a learner at `netlab lesson 1`, run from
// the host (as root in CI: the sandbox's root is then nobody on the host):
// the lesson shell cannot write /root, lives in a PID namespace of its
// own, and after exit nothing it started survives, not even a job
// started with `ip netns exec` in a namespace it made.
func TestLessonShellHoldsNoHostRootAndLeavesNothing(t *testing.T) {
	for _, leave := range []string{"exit", "hangup"} {
		t.Run(leave, func(t *testing.T) { lessonShellLeavesNothing(t, leave) })
	}
}

func lessonShellLeavesNothing(t *testing.T, leave string) {
	if sandbox.Inside() {
		t.Fatal("this test must run from the host, not in a sandbox")
	}
	if why := sandboxtest.Unavailable(); why != "" {
		sandboxtest.Skip(t, why)
	}
	bin := netlabBin(t)
	home := t.TempDir()
	hostPidNS, err := os.Readlink("/proc/self/ns/pid")
	require.NoError(t, err)

	cmd := exec.Command(bin, "lesson", "1")
	cmd.Env = lessonEnv(home)
	cmd.Dir = "/"
	p := startPty(t, cmd)
	// The prompt's position comes from netlab grading inside the sandbox,
	// as the sandbox's user (nobody when root runs this): "?" if it fails.
	off := p.expect(0, "[netlab netns 1/3] # ")
	p.send(`touch /root/probe; echo "touch-rc=$?"; echo "pidns=$(readlink /proc/self/ns/pid)"`)
	off = p.expect(off, "pidns=pid:[")
	m := regexp.MustCompile(`touch-rc=(\d+)\s+pidns=(pid:\[\d+\])`).FindStringSubmatch(p.text())
	require.NotNil(t, m, p.text())
	require.NotEqual(t, "0", m[1], "touch /root/probe worked in the lesson shell")
	require.NoFileExists(t, "/root/probe")
	sbPidNS := m[2]
	require.NotEqual(t, hostPidNS, sbPidNS, "the lesson shell shares the host's PID namespace")

	p.send(`sleep 300 & ip netns add keepme; ip netns exec keepme sleep 600 & echo started-$((6*7))`)
	p.expect(off, "started-42")
	// Wait until both jobs run (a condition, polled; not a fixed sleep).
	var members map[int]string
	deadline := time.Now().Add(30 * time.Second)
	for {
		members = membersOf(sbPidNS)
		n := 0
		for _, c := range members {
			if strings.HasPrefix(c, "sleep 300") || strings.HasPrefix(c, "sleep 600") {
				n++
			}
		}
		if n == 2 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the jobs did not start: %v\n%s", members, p.text())
		time.Sleep(20 * time.Millisecond)
	}
	starts := map[int]string{}
	for pid := range members {
		starts[pid] = startTime(pid)
	}
	if leave == "exit" {
		p.send("exit")
		require.NoError(t, p.wait(), p.text())
	} else {
		// The terminal goes away (a closed ssh session, a killed xterm).
		require.NoError(t, p.Hangup())
		_ = p.wait()
	}
	for pid, c := range members {
		st := startTime(pid)
		require.True(t, st == "" || st != starts[pid], "pid %d (%s) survived the lesson shell", pid, c)
	}
	require.Empty(t, membersOf(sbPidNS))
	_, err = os.Lstat("/run/netns/keepme")
	require.True(t, os.IsNotExist(err), "keepme reached the host's /run/netns")
}

// When the kernel refuses user namespaces, making a sandbox fails with one
// plain sentence that names the setting and its fix. The refusal is real:
// this test's own sandbox sets user.max_user_namespaces=0 for itself.
func TestRefusalIsOneSentenceWithTheFix(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	bin := netlabBin(t)
	require.NoError(t, os.WriteFile("/proc/sys/user/max_user_namespaces", []byte("0\n"), 0o644))
	s, err := sandbox.New(t.Context(), sandbox.Options{Self: os.Args[0], Argv: []string{"true"}})
	require.NoError(t, err)
	err = s.Start()
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, "user.max_user_namespaces")
	require.Contains(t, msg, "sudo sysctl -w user.max_user_namespaces=15000")
	require.NotContains(t, msg, "\n")

	for _, args := range [][]string{{"shell"}, {"selftest", "1"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = lessonEnv(t.TempDir())
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, string(out))
		require.Equal(t, 2, ee.ExitCode(), string(out))
		line := strings.TrimSpace(string(out))
		if args[0] == "shell" {
			line = strings.TrimSpace(line[strings.Index(line, "\n")+1:]) // after the banner
		}
		require.NotContains(t, line, "\n", string(out))
		require.NotContains(t, line, "goroutine")
		require.Contains(t, line, "sudo sysctl -w user.max_user_namespaces=15000", string(out))
	}
}

// Inside a sandbox, root has CAP_NET_ADMIN over the sandbox's network:
// netlab counts as privileged there (no sudo needed), and the private
// /run holds what lessons write (/run/netns, /run/netlab, the xtables
// lock) while the host's stays untouched.
func TestPrivilegeAndRunInsideASandbox(t *testing.T) {
	if sandboxtest.Run(t) {
		return
	}
	require.True(t, sandbox.Inside())
	require.True(t, sandbox.CanAdminNet())
	for _, d := range []string{"/run/netns", "/run/netlab"} {
		f := filepath.Join(d, "probe")
		require.NoError(t, os.WriteFile(f, nil, 0o600), d)
		require.NoError(t, os.Remove(f))
	}
	// iptables' lock is the sandbox's own: /run is the sandbox's tmpfs.
	var fs unix.Statfs_t
	require.NoError(t, unix.Statfs("/run", &fs))
	require.Equal(t, int64(unix.TMPFS_MAGIC), int64(fs.Type))
	out, err := exec.Command("iptables", "-w", "-A", "FORWARD", "-j", "ACCEPT").CombinedOutput()
	require.NoError(t, err, string(out))
	if _, err := exec.LookPath("iptables-legacy"); err == nil {
		// The legacy backend takes /run/xtables.lock.
		out, err = exec.Command("iptables-legacy", "-w", "-L", "-n").CombinedOutput()
		require.NoError(t, err, string(out))
		require.FileExists(t, "/run/xtables.lock")
	}
	out, err = exec.Command("iptables", "-w", "-A", "FORWARD", "-j", "ACCEPT").CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command("sysctl", "-w", "net.ipv4.ip_forward=1").CombinedOutput()
	require.NoError(t, err, string(out))
}
