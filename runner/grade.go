// Package runner grades lessons, runs their reference solutions, resets
// what they created and renders the results.
package runner

import (
	"context"
	"time"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/stack"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
)

// Lab is the kernel as the runner needs it: read, probe and undo.
type Lab interface {
	kernel.Kernel
	kernel.Changer
}

// Grader grades lessons against a kernel.
type Grader struct {
	K kernel.Kernel
	// ProbeTimeout bounds one ping or TCP probe (default 1s).
	ProbeTimeout time.Duration
	// StateTimeout bounds one state check (default 5s).
	StateTimeout time.Duration
	// Lessons are every lesson (a troubleshooting lesson grades others;
	// default: the embedded lessons), and Shell runs the commands that
	// set up its next round (default: SysShell).
	Lessons []*lessons.Lesson
	Shell   Shell
	// Lang is the language of the reports (default English): it is
	// recorded in each Report, which renders its texts in it.
	Lang i18n.Lang
}

func (g *Grader) lang() i18n.Lang {
	if g.Lang == "" {
		return i18n.EN
	}
	return g.Lang
}

func (g *Grader) env() checks.Env {
	return checks.Env{K: g.K, ProbeTimeout: g.probeTimeout()}
}

// snapshotEnv is the env of one grading run: its checks share one read
// of each namespace's state (kernel.Snapshot).
func (g *Grader) snapshotEnv() (checks.Env, func()) {
	env := g.env()
	snap := kernel.NewSnapshot(g.K)
	env.K = snap
	return env, snap.Close
}

func (g *Grader) probeTimeout() time.Duration {
	if g.ProbeTimeout > 0 {
		return g.ProbeTimeout
	}
	return checks.DefaultProbeTimeout
}

func (g *Grader) bound(p checks.Phase) time.Duration {
	if p == checks.PhaseProbe {
		// A probe may walk the path first; give it room past its own timeout.
		return g.probeTimeout() + 3*time.Second
	}
	if g.StateTimeout > 0 {
		return g.StateTimeout
	}
	return 5 * time.Second
}

// lane is checks run one after another on one goroutine, each under its
// own hard time bound; set receives each result (on the goroutine that
// runs the lanes).
type lane struct {
	cs   []*lessons.CheckSpec
	set  func(k int, r checks.Result)
	next int           // the check under way
	due  time.Time     // when it is given up on
	quit chan struct{} // closed when the worker is given up on
}

// runLanes runs every lane at once, each on a goroutine of its own, and
// gathers their results on the calling goroutine. The state checks of a
// grade are one lane: a state check takes microseconds on the run's
// shared snapshot, and a goroutine of its own (created, woken on another
// thread, its stack grown copy by copy) cost a short-lived netlab more
// than the check itself (when one of them is given up on, the ones after
// it run side by side). Each probe is a lane of its own, so that a
// failing lesson takes about one probe timeout, not their sum; the
// caller waits for all of them at once, with one timer, instead of a
// goroutine per probe to watch it. A check that overruns its bound (or
// is under way when ctx ends) is given up on: its goroutine is left to
// finish on its own, and the lane's next checks go on on a new one.
func (g *Grader) runLanes(ctx context.Context, env checks.Env, lanes ...*lane) {
	type result struct {
		lane, k int
		r       checks.Result
	}
	total := 0
	for _, ln := range lanes {
		total += len(ln.cs)
	}
	// Buffered for every check: each runs at most once, and a worker
	// given up on never blocks.
	results := make(chan result, total)
	start := func(li int) {
		ln := lanes[li]
		ln.quit = make(chan struct{})
		ln.due = time.Now().Add(g.bound(ln.cs[ln.next].Phase))
		go func(first int, quit <-chan struct{}) {
			stack.Grow()
			for k := first; k < len(ln.cs); k++ {
				select {
				case <-quit:
					return
				default:
				}
				results <- result{li, k, g.guarded(ctx, ln.cs[k], env)}
			}
		}(ln.next, ln.quit)
	}
	open := 0
	for li, ln := range lanes {
		if len(ln.cs) > 0 {
			start(li)
			open++
		}
	}
	if open == 0 {
		return
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for open > 0 {
		var due time.Time
		for _, ln := range lanes {
			if ln.next < len(ln.cs) && (due.IsZero() || ln.due.Before(due)) {
				due = ln.due
			}
		}
		timer.Reset(time.Until(due))
		select {
		case r := <-results:
			ln := lanes[r.lane]
			if r.k != ln.next {
				continue // a check given up on finished after all
			}
			ln.set(r.k, r.r)
			if ln.next++; ln.next < len(ln.cs) {
				ln.due = time.Now().Add(g.bound(ln.cs[ln.next].Phase))
			} else {
				open--
			}
			continue
		case <-timer.C:
		case <-ctx.Done():
		}
		now, ended := time.Now(), ctx.Err() != nil
		for _, ln := range lanes {
			if ln.next >= len(ln.cs) || (!ended && now.Before(ln.due)) {
				continue
			}
			close(ln.quit)
			giveUp := func(k int) {
				limit := g.bound(ln.cs[k].Phase)
				ln.set(k, checks.Errorf("netlab gave up on this check after %s (the kernel did not answer)", limit).
					Say("why-check-gave-up", i18n.Data{"Limit": limit}))
			}
			giveUp(ln.next)
			ln.next++
			switch {
			case ln.next == len(ln.cs):
				open--
			case ended:
				// Nothing after it can run to an end either.
				for ; ln.next < len(ln.cs); ln.next++ {
					giveUp(ln.next)
				}
				open--
			default:
				// The kernel did not answer in time: the lane's next
				// checks may well wait on it too, so they run side by
				// side, each a lane of its own under its own bound. A
				// kernel that answers none costs two bounds, not one
				// per check.
				for k := ln.next; k < len(ln.cs); k++ {
					lanes = append(lanes, &lane{cs: ln.cs[k : k+1], set: func(_ int, r checks.Result) { ln.set(k, r) }})
					start(len(lanes) - 1)
				}
				open += len(ln.cs) - ln.next - 1
				ln.next = len(ln.cs)
			}
		}
	}
}

// guarded runs c under its bound as a context deadline, turning a panic
// into an error result.
func (g *Grader) guarded(ctx context.Context, c *lessons.CheckSpec, env checks.Env) (res checks.Result) {
	ctx, cancel := context.WithTimeout(ctx, g.bound(c.Phase))
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			res = checks.Errorf("netlab's %s check crashed: %v (please report this)", c.Kind, r).
				Say("why-check-crashed", i18n.Data{"Kind": c.Kind, "Err": r})
		}
	}()
	return c.Check.Run(ctx, env)
}

// Grade runs every check of every step. Checks that only read state run
// one after another on one goroutine (see runLanes), beside the checks
// that send packets, each on its own; checks that read what the packets
// leave behind (learned MACs) run last. A failing lesson therefore takes
// about one probe timeout, not their sum.
func (g *Grader) Grade(ctx context.Context, l *lessons.Lesson) Report {
	start := time.Now()
	if l.Troubleshoot() {
		rep := g.gradeRounds(ctx, l)
		rep.ElapsedMS = time.Since(start).Milliseconds()
		return rep
	}
	env, done := g.snapshotEnv()
	defer done()
	results := make([][]checks.Result, len(l.Steps))
	for i, s := range l.Steps {
		results[i] = make([]checks.Result, len(s.Checks))
	}
	run := func(phases ...checks.Phase) {
		state := &lane{}
		var at [][2]int
		state.set = func(k int, r checks.Result) { results[at[k][0]][at[k][1]] = r }
		lanes := []*lane{state}
		for i := range l.Steps {
			for j := range l.Steps[i].Checks {
				c := &l.Steps[i].Checks[j]
				if !inPhases(c.Phase, phases) {
					continue
				}
				if c.Phase != checks.PhaseProbe {
					state.cs, at = append(state.cs, c), append(at, [2]int{i, j})
					continue
				}
				lanes = append(lanes, &lane{cs: []*lessons.CheckSpec{c}, set: func(_ int, r checks.Result) { results[i][j] = r }})
			}
		}
		g.runLanes(ctx, env, lanes...)
	}
	run(checks.PhaseState, checks.PhaseProbe)
	run(checks.PhaseAfter)
	rep := NewReport(l, results).Localized(g.lang())
	rep.ElapsedMS = time.Since(start).Milliseconds()
	return rep
}

func inPhases(p checks.Phase, ps []checks.Phase) bool {
	for _, q := range ps {
		if p == q {
			return true
		}
	}
	return false
}

// NewReport assembles a report from per-step, per-check results.
func NewReport(l *lessons.Lesson, results [][]checks.Result) Report {
	rep := Report{Lesson: l.ID, Slug: l.Slug, Title: l.Title, MaxScore: len(l.Steps)}
	for i, s := range l.Steps {
		sr := StepReport{Step: i + 1, Title: s.Title, Passed: true, Status: checks.Pass, Points: s.PointsOrDefault()}
		for j, c := range s.Checks {
			r := results[i][j]
			sr.Checks = append(sr.Checks, CheckReport{
				Name: c.Title(), Kind: c.Kind, Status: r.Status, Message: r.Message, Why: r.Why, Fix: r.Fix, Mistake: r.Mistake,
				WhyMsg: r.WhyMsg, NameMsg: titleMsgs(c),
			})
			switch r.Status {
			case checks.Fail:
				sr.Passed = false
				sr.Status = checks.Fail
			case checks.Error:
				sr.Passed = false
				if sr.Status == checks.Pass {
					sr.Status = checks.Error
				}
			}
		}
		if sr.Passed {
			rep.Score++
		}
		rep.Steps = append(rep.Steps, sr)
	}
	rep.Passed = rep.Score == rep.MaxScore
	return rep
}

// FirstUnfinished is the index of the first step that did not pass, or -1.
func (r Report) FirstUnfinished() int {
	for i, s := range r.Steps {
		if !s.Passed {
			return i
		}
	}
	return -1
}

// HasError reports whether netlab could not judge some check.
func (r Report) HasError() bool {
	for _, s := range r.Steps {
		if s.Status == checks.Error {
			return true
		}
	}
	return false
}

// Summary is "3/6 steps", in the report's language.
func (r Report) Summary() string { return r.summary(i18n.For(r.lang())) }
