// Package runner grades lessons, runs their reference solutions, resets
// what they created and renders the results.
package runner

import (
	"context"
	"sync"
	"time"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
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

// runOne runs one check under a hard time bound. A check that ignores its
// context, or panics, still yields a result: error, never a hang.
func (g *Grader) runOne(ctx context.Context, c *lessons.CheckSpec, env checks.Env) checks.Result {
	var res checks.Result
	g.runInTurn(ctx, []*lessons.CheckSpec{c}, env, func(_ int, r checks.Result) { res = r })
	return res
}

// runInTurn runs cs one after another on one goroutine, each under its
// own hard time bound, and gives each result to set (in cs's order, on
// the calling goroutine). A state check takes microseconds on the run's
// shared snapshot: a goroutine of its own (created, woken on another
// thread, its stack grown copy by copy) cost a short-lived netlab more
// than the check itself. A check that overruns its bound is given up on
// (its goroutine is left to finish on its own), and the checks after it
// go on on a new goroutine.
func (g *Grader) runInTurn(ctx context.Context, cs []*lessons.CheckSpec, env checks.Env, set func(k int, r checks.Result)) {
	type result struct {
		k int
		r checks.Result
	}
	for next := 0; next < len(cs); {
		// Buffered for every result: a worker given up on never blocks.
		results := make(chan result, len(cs)-next)
		quit := make(chan struct{})
		go func(first int) {
			for k := first; k < len(cs); k++ {
				select {
				case <-quit:
					return
				default:
				}
				results <- result{k, g.guarded(ctx, cs[k], env)}
			}
		}(next)
		for next < len(cs) {
			limit := g.bound(cs[next].Phase)
			timer := time.NewTimer(limit)
			select {
			case r := <-results:
				timer.Stop()
				set(r.k, r.r)
				next++
				continue
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
			}
			close(quit)
			set(next, checks.Errorf("netlab gave up on this check after %s (the kernel did not answer)", limit).
				Say("why-check-gave-up", i18n.Data{"Limit": limit}))
			next++
			break
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
// one after another on one goroutine (see runInTurn), beside the checks
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
		var wg sync.WaitGroup
		var inTurn []*lessons.CheckSpec
		var at [][2]int
		for i := range l.Steps {
			for j := range l.Steps[i].Checks {
				c := &l.Steps[i].Checks[j]
				if !inPhases(c.Phase, phases) {
					continue
				}
				if c.Phase != checks.PhaseProbe {
					inTurn, at = append(inTurn, c), append(at, [2]int{i, j})
					continue
				}
				wg.Add(1)
				go func(i, j int) {
					defer wg.Done()
					results[i][j] = g.runOne(ctx, c, env)
				}(i, j)
			}
		}
		g.runInTurn(ctx, inTurn, env, func(k int, r checks.Result) { results[at[k][0]][at[k][1]] = r })
		wg.Wait()
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
