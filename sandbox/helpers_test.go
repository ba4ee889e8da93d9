package sandbox_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/sandbox"
)

// envProbe makes the test binary print what it sees instead of testing.
const envProbe = "NETLAB_SANDBOX_TEST_PROBE"

// envBin names a netlab binary built before (the throwaway user's run
// cannot build one).
const envBin = "NETLAB_TEST_NETLAB_BIN"

func TestMain(m *testing.M) {
	if err := sandbox.Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if os.Getenv(envProbe) == "admin" {
		fmt.Printf("admin=%v\n", sandbox.CanAdminNet())
		os.Exit(0)
	}
	if os.Getenv(envProbe) == "1" {
		fmt.Printf("inside=%v pid=%d\n", sandbox.Inside(), os.Getpid())
		os.Exit(0)
	}
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// netlabBin is a netlab binary: the one named by envBin, else built once.
func netlabBin(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(envBin); p != "" {
		return p
	}
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "netlab-sandbox-test-"); buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(buildDir, "netlab"), "github.com/netlab/netlab/cmd/netlab").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return filepath.Join(buildDir, "netlab")
}

// pterm is a program on a pseudo-terminal.
type pterm struct {
	t    testing.TB
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	wake chan struct{}
	done chan struct{}
}

func startPty(t testing.TB, cmd *exec.Cmd) *pterm {
	t.Helper()
	m, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 300})
	require.NoError(t, err)
	// pty's file is in blocking mode (Fd() was called on it): a Close
	// would wait for the pending Read, and the terminal would never hang
	// up. A non-blocking copy goes through Go's poller; Close is a close.
	fd, err := unix.Dup(int(m.Fd()))
	require.NoError(t, err)
	m.Close()
	require.NoError(t, unix.SetNonblock(fd, true))
	f := os.NewFile(uintptr(fd), "ptmx")
	p := &pterm{t: t, f: f, cmd: cmd, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			if n > 0 {
				p.mu.Lock()
				p.buf.Write(b[:n])
				p.mu.Unlock()
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
		}
		_ = cmd.Wait()
		f.Close()
	})
	return p
}

func (p *pterm) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// expect waits until s appears after offset from; it returns the offset
// past it.
func (p *pterm) expect(from int, s string) int {
	p.t.Helper()
	deadline := time.After(90 * time.Second)
	for {
		if i := strings.Index(p.text()[from:], s); i >= 0 {
			return from + i + len(s)
		}
		select {
		case <-p.wake:
		case <-p.done:
			if i := strings.Index(p.text()[from:], s); i >= 0 {
				return from + i + len(s)
			}
			p.t.Fatalf("program ended before %q appeared; output:\n%s", s, p.text())
		case <-deadline:
			p.t.Fatalf("%q did not appear; output:\n%s", s, p.text()[from:])
		}
	}
}

func (p *pterm) send(line string) {
	p.t.Helper()
	_, err := p.f.Write([]byte(line + "\n"))
	require.NoError(p.t, err)
}

// wait waits for the program to end.
func (p *pterm) wait() error {
	p.t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- p.cmd.Wait() }()
	select {
	case err := <-ch:
		<-p.done
		return err
	case <-time.After(60 * time.Second):
		p.t.Fatalf("program did not end; output:\n%s", p.text())
		return nil
	}
}

// lessonEnv is a learner's environment: a home of their own, bash, and
// nothing that names sudo's caller.
func lessonEnv(home string) []string {
	var env []string
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch k {
		case "HOME", "SHELL", "TERM", "PROMPT_COMMAND", "SUDO_UID", "SUDO_GID", "SUDO_USER", "XDG_STATE_HOME":
			continue
		}
		env = append(env, e)
	}
	// Progress goes below the test's home too: root's progress lives below
	// the passwd database's home (/root), not $HOME, unless XDG says where.
	return append(env, "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"), "SHELL=/bin/bash", "TERM=dumb", "PROMPT_COMMAND=")
}
