package sandbox_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/internal/netlabbin"
	"github.com/netlab/netlab/internal/ptytest"
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
		bySocket, known := sandbox.OwnsBySocket()
		fmt.Printf("admin=%v socket=%v/%v proc=%v\n", sandbox.CanAdminNet(), bySocket, known, sandbox.OwnsByProc())
		os.Exit(0)
	}
	if os.Getenv(envProbe) == "1" {
		fmt.Printf("inside=%v pid=%d\n", sandbox.Inside(), os.Getpid())
		os.Exit(0)
	}
	code := m.Run()
	netlabbin.Remove()
	os.Exit(code)
}

// netlabBin is a netlab binary: the one named by envBin, else built once.
func netlabBin(t testing.TB) string { return netlabbin.Path(t, envBin) }

// pterm is a program on a pseudo-terminal (internal/ptytest), killed
// when the test ends, with the waits these tests use.
type pterm struct{ *ptytest.Term }

func startPty(t testing.TB, cmd *exec.Cmd) *pterm {
	t.Helper()
	return &pterm{ptytest.Start(t, cmd, ptytest.Options{})}
}

func (p *pterm) text() string { return p.Since(0) }

// expect waits until s appears after offset from; it returns the offset
// past it.
func (p *pterm) expect(from int, s string) int { return p.Expect(from, s, 90*time.Second) }

func (p *pterm) send(line string) { p.Send(line) }

// wait waits for the program to end.
func (p *pterm) wait() error { return p.Wait(60 * time.Second) }

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
