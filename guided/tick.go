package guided

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// TickProbeTimeout bounds one probe during the per-prompt re-grade. The
// learner's current step may hold a ping that cannot succeed yet; waiting
// a full second at every prompt would make the shell feel broken.
const TickProbeTimeout = 400 * time.Millisecond

// Ticker is the guided shell's per-prompt re-grade.
type Ticker struct {
	Session *Session
	Lesson  *lessons.Lesson
	Grader  Grader
	// Print writes to the terminal (the shell's stderr).
	Print Printer
	// Width, when set, is asked for the terminal's width at each prompt
	// (the learner may resize the window).
	Width func() int
	// Record saves progress (steps done); it is called before the change
	// is printed, so that what the learner saw is saved.
	Record func(done int)
}

// Tick grades up to the current step, prints what changed, saves the
// position, and returns the prompt's position label.
//
// What it prints:
//   - the first prompt: where the learner is (steps that pass already in
//     one line: a replay must not scroll the lesson's introduction away);
//   - each step completed, and the text of each one the learner was never
//     shown (it passed early, with an earlier step's commands);
//   - each step that really fails again, with the first failing why;
//   - otherwise, when the current step's first why changed since the last
//     prompt (the learner's command changed something, but not enough),
//     that why in one line; an unchanged why is not repeated.
func (t *Ticker) Tick(ctx context.Context) string {
	l, s := t.Lesson, t.Session
	n := len(l.Steps)
	done, perr := s.Pos()
	first := perr != nil
	from := max(done, 0)
	p := t.Print
	if t.Width != nil {
		p.Width = t.Width()
	}
	c := AdvanceStream(ctx, t.Grader, l, from, func(k int) {
		if t.Record != nil {
			t.Record(k)
		}
		if first {
			return
		}
		p.Completed(l, k)
		if k > from+1 {
			p.Unseen(l, k)
		}
	})
	if c.Regressed && t.Record != nil {
		t.Record(c.To)
	}
	if first {
		p.AlreadyDone(l, c.To)
		p.Current(l, c.To)
	} else {
		p.PrintRest(l, c)
	}
	if first || c.Changed() {
		if err := s.setPos(c.To); err != nil {
			fmt.Fprintln(p.Out, p.t("guided-warn-position", i18n.Data{"Err": err}))
		}
	}
	why := c.Why()
	prev, known := s.lastWhy()
	if !first && !c.Changed() && known && why != prev {
		p.Why(why)
	}
	if !known || why != prev {
		_ = s.setWhy(why) // at worst, a why is said twice
	}
	return PosLabel(c.To, n)
}

// PosLabel is the prompt's position: the current step, or "done".
func PosLabel(done, n int) string {
	if done >= n {
		return "done"
	}
	return fmt.Sprintf("%d/%d", done+1, n)
}

// Serve is the grading server of a guided shell (`netlab __tickd`): it
// answers each sequence number the prompt hook writes to the request
// FIFO with "SEQ LABEL" on the response FIFO, after a Tick. The hook uses
// only the echo and read builtins, so a prompt costs no fork, no Go
// start-up and no lesson loading. Both FIFOs are opened read-write, which
// never blocks on Linux; the hook reads with a timeout and falls back to
// `netlab __tick` when the server is gone, so a dead server can never
// hang the shell.
//
// Serve ends the process when the shell (pid) ends, so that it never
// outlives the shell or keeps a sandbox alive.
func (t *Ticker) Serve(ctx context.Context, pid int) error {
	pfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("shell %d: %w", pid, err)
	}
	go func() {
		fds := []unix.PollFd{{Fd: int32(pfd), Events: unix.POLLIN}}
		for {
			if _, err := unix.Poll(fds, -1); err == nil || err != unix.EINTR {
				os.Exit(0)
			}
		}
	}()
	req, err := os.OpenFile(filepath.Join(t.Session.Dir, fifoReq), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	resp, err := os.OpenFile(filepath.Join(t.Session.Dir, fifoResp), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(req)
	for sc.Scan() {
		label := t.Tick(ctx)
		if _, err := fmt.Fprintf(resp, "%s %s\n", sc.Text(), label); err != nil {
			return err
		}
	}
	return sc.Err()
}

// FreshGrader opens the kernel for each grading and closes it after. A
// long-running netlab (watch, the guided shell's grading server) must not
// hold namespace handles between gradings: an open handle keeps a
// namespace alive after `ip netns del`, and with it the veth peers the
// learner expects to vanish.
type FreshGrader struct {
	Open         func() (runner.Lab, func(), error)
	ProbeTimeout time.Duration
}

// Grade grades l with a kernel opened for this grading only.
func (f FreshGrader) Grade(ctx context.Context, l *lessons.Lesson) runner.Report {
	lab, closeFn, err := f.Open()
	if err != nil {
		// Every check is "error", with why: netlab could not judge.
		return runner.NewReport(l, errorResults(l, err))
	}
	defer closeFn()
	return (&runner.Grader{K: lab, ProbeTimeout: f.ProbeTimeout}).Grade(ctx, l)
}

func errorResults(l *lessons.Lesson, err error) [][]checks.Result {
	out := make([][]checks.Result, len(l.Steps))
	for i, s := range l.Steps {
		for range s.Checks {
			out[i] = append(out[i], checks.Errorf("netlab cannot open the kernel's network state: %v", err).
				Say("why-kernel-open", i18n.Data{"Err": err}))
		}
	}
	return out
}

// TerminalWidth is the width of the terminal on f, or 0 when f is none.
func TerminalWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
