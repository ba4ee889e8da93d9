// Package ptytest runs a program on a pseudo-terminal for tests: what it
// prints is kept (with when each part arrived), lines can be typed, and a
// test waits for a text or for the program's end. The guided-shell tests
// (guided/e2e) and the lesson-sandbox tests (sandbox) drive netlab with it.
package ptytest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Term is a program on a pseudo-terminal with everything it printed.
type Term struct {
	tb   testing.TB
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	at   []chunkTime // when each part of buf arrived
	wake chan struct{}
	done chan struct{}
}

type chunkTime struct {
	end int
	t   time.Time
}

// Options shape the terminal.
type Options struct {
	// Cols is the terminal's width (default 300 columns; 50 rows).
	Cols uint16
	// Leave is typed when the test ends and the program still runs (a
	// shell's "exit", so that it cleans up as for a learner); the program
	// is killed when it has not ended 5 s later, or at once without Leave.
	Leave string
}

// Start starts cmd on a new pseudo-terminal; the test's cleanup ends it.
func Start(tb testing.TB, cmd *exec.Cmd, o Options) *Term {
	tb.Helper()
	if o.Cols == 0 {
		o.Cols = 300
	}
	m, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: o.Cols})
	if err != nil {
		tb.Fatal(err)
	}
	// pty's file is in blocking mode (Fd() was called on it): a Close
	// would wait for the pending Read, and the terminal would never hang
	// up. A non-blocking copy goes through Go's poller; Close is a close.
	fd, err := unix.Dup(int(m.Fd()))
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	m.Close()
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		tb.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "ptmx")
	t := &Term{tb: tb, f: f, cmd: cmd, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(t.done)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			if n > 0 {
				now := time.Now()
				t.mu.Lock()
				t.buf.Write(b[:n])
				t.at = append(t.at, chunkTime{end: t.buf.Len(), t: now})
				t.mu.Unlock()
				select {
				case t.wake <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	tb.Cleanup(func() {
		select {
		case <-t.done:
		default:
			if o.Leave != "" {
				_, _ = f.Write([]byte("\n" + o.Leave + "\n"))
				select {
				case <-t.done:
				case <-time.After(5 * time.Second):
				}
			}
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	})
	return t
}

// Hangup closes the terminal, as when an ssh session or an xterm goes
// away: the program gets SIGHUP.
func (t *Term) Hangup() error { return t.f.Close() }

// Process is the program's process.
func (t *Term) Process() *os.Process { return t.cmd.Process }

// Len is how much has been printed so far.
func (t *Term) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.Len()
}

// Since is the output from offset on.
func (t *Term) Since(off int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()[off:]
}

// Arrival is when the byte at offset off arrived.
func (t *Term) Arrival(off int) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.at {
		if off < c.end {
			return c.t
		}
	}
	return time.Time{}
}

// Expect waits until s appears after offset from and returns the offset
// just past it.
func (t *Term) Expect(from int, s string, timeout time.Duration) int {
	t.tb.Helper()
	deadline := time.After(timeout)
	for {
		if i := strings.Index(t.Since(from), s); i >= 0 {
			return from + i + len(s)
		}
		select {
		case <-t.wake:
		case <-t.done:
			if i := strings.Index(t.Since(from), s); i >= 0 {
				return from + i + len(s)
			}
			t.tb.Fatalf("program ended before %q appeared; output:\n%s", s, t.Since(0))
		case <-deadline:
			t.tb.Fatalf("%q did not appear within %s; output since:\n%s", s, timeout, t.Since(from))
		}
	}
}

// Send types a line.
func (t *Term) Send(line string) {
	t.tb.Helper()
	if _, err := t.f.Write([]byte(line + "\n")); err != nil {
		t.tb.Fatal(err)
	}
}

// Wait waits for the program to end.
func (t *Term) Wait(timeout time.Duration) error {
	t.tb.Helper()
	ch := make(chan error, 1)
	go func() { ch <- t.cmd.Wait() }()
	select {
	case err := <-ch:
		<-t.done
		return err
	case <-time.After(timeout):
		t.tb.Fatalf("program did not end within %s; output:\n%s", timeout, t.Since(0))
		return nil
	}
}
