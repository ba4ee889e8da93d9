// Package selftest proves every lesson's checks on the running kernel: a
// fresh state fails every step, the reference solution passes them one by
// one, each catalogued mistake makes its step fail with the expected
// diagnosis, reset leaves nothing behind and the host is unchanged.
//
// The work is split into units (one point of a lesson's progression, or
// one mistake)
// that each run in a sandbox of their own, in parallel. A unit runs in a
// child process (RunUnit) and reports JSON; the parent (Suite) plans the
// units, starts them and judges the lot. The checks a unit uses come from
// the lessons it is given, so a test can load the lessons with a registry
// holding a broken checker and show that the suite catches it.
package selftest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/runner"
)

// Unit kinds.
const (
	KindProgression = "progression" // the states after steps Step..To (and reset after the last)
	KindMistake     = "mistake"     // one catalogued mistake
)

// Unit is one piece of self-test work, run in its own sandbox.
type Unit struct {
	Lesson  int    `json:"lesson"`
	Kind    string `json:"kind"`
	Mistake string `json:"mistake,omitempty"`
	// Step and To are, for a progression unit, the stretch of states it
	// grades: after the solutions of steps 1..K for K from Step to To.
	Step int `json:"step"`
	To   int `json:"to"`
	// ProbeTimeout bounds one probe inside the unit.
	ProbeTimeout time.Duration `json:"probe_timeout"`
}

func (u Unit) String() string {
	if u.Kind == KindMistake {
		return fmt.Sprintf("lesson %d mistake %s", u.Lesson, u.Mistake)
	}
	return fmt.Sprintf("lesson %d %s after steps %d-%d", u.Lesson, u.Kind, u.Step, u.To)
}

// Outcome of one finding.
const (
	OK   = "ok"
	Warn = "warn"
	Bad  = "fail"
	Err  = "error" // selftest could not judge (a solution command failed, a check errored)
)

// Finding is one line of the self-test table.
type Finding struct {
	Lesson int    `json:"lesson"`
	Part   string `json:"part"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Seen records which outcomes a check showed across the states a unit built.
type Seen struct {
	Step  int  `json:"step"`  // 1-based
	Check int  `json:"check"` // 0-based index within the step
	Pass  bool `json:"pass"`
	Fail  bool `json:"fail"`
}

// UnitResult is what a unit reports (as JSON on the child's stdout).
type UnitResult struct {
	Unit      Unit      `json:"unit"`
	Findings  []Finding `json:"findings"`
	Seen      []Seen    `json:"seen"`
	ElapsedMS int64     `json:"elapsed_ms"`
	// GradeMS is the time of each grading, in order (where the time goes).
	GradeMS []int64 `json:"grade_ms"`
}

// Env is what a unit runs against: the kernel of its sandbox, a shell for
// solution commands, and the lessons (built from the registry under test).
type Env struct {
	Lab     runner.Lab
	Shell   runner.Shell
	Lessons []*lessons.Lesson
	Catalog []mistakes.Mistake
}

type unitRun struct {
	env  Env
	u    Unit
	l    *lessons.Lesson
	g    *runner.Grader
	log  bytes.Buffer // commands and their output, quoted when one fails
	res  UnitResult
	seen map[[2]int]*Seen
}

// RunUnit runs one unit in the current process, which must be a throwaway
// sandbox: it runs reference solutions and mistakes for real.
func RunUnit(ctx context.Context, env Env, u Unit) UnitResult {
	start := time.Now()
	r := &unitRun{env: env, u: u, res: UnitResult{Unit: u}, seen: map[[2]int]*Seen{}}
	r.g = &runner.Grader{K: env.Lab, ProbeTimeout: u.ProbeTimeout, Lessons: env.Lessons, Shell: env.Shell}
	l, err := lessons.Find(env.Lessons, fmt.Sprint(u.Lesson))
	if err != nil {
		r.add("unit", Err, err.Error())
		return r.finish(start)
	}
	r.l = l
	switch u.Kind {
	case KindProgression:
		r.progression(ctx)
	case KindMistake:
		r.mistake(ctx)
	default:
		r.add("unit", Err, fmt.Sprintf("unknown unit kind %q", u.Kind))
	}
	return r.finish(start)
}

func (r *unitRun) finish(start time.Time) UnitResult {
	keys := make([][2]int, 0, len(r.seen))
	for k := range r.seen {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	for _, k := range keys {
		r.res.Seen = append(r.res.Seen, *r.seen[k])
	}
	r.res.ElapsedMS = time.Since(start).Milliseconds()
	return r.res
}

func (r *unitRun) add(part, status, detail string) {
	r.res.Findings = append(r.res.Findings, Finding{Lesson: r.u.Lesson, Part: part, Status: status, Detail: oneLine(detail)})
}

// grade grades the lesson and records what every check showed.
func (r *unitRun) grade(ctx context.Context) runner.Report {
	return r.gradeUpTo(ctx, len(r.l.Steps))
}

// gradeUpTo grades steps 1..n only: a mistake is judged on its own step,
// and the later steps' probes would only cost time. The steps before it
// still run, so that their probes leave what its checks read (learned
// MACs, counters) as in a full grading.
func (r *unitRun) gradeUpTo(ctx context.Context, n int) runner.Report {
	t0 := time.Now()
	l := *r.l
	l.Steps = l.Steps[:n]
	rep := r.g.Grade(ctx, &l)
	r.res.GradeMS = append(r.res.GradeMS, time.Since(t0).Milliseconds())
	for i, s := range rep.Steps {
		for j, c := range s.Checks {
			k := [2]int{i + 1, j}
			sn := r.seen[k]
			if sn == nil {
				sn = &Seen{Step: i + 1, Check: j}
				r.seen[k] = sn
			}
			sn.Pass = sn.Pass || c.Status == checks.Pass
			sn.Fail = sn.Fail || c.Status == checks.Fail
		}
	}
	return rep
}

// run runs solution or mistake commands in one shell (a shell per
// command costs a process each, and selftest runs hundreds). Each command
// is a brace group whose status is checked at once, so `a && b` and
// `a || true` mean what they mean when run alone; a failure is quoted with
// the tail of the log.
func (r *unitRun) run(ctx context.Context, what string, cmds []string) error {
	if len(cmds) == 0 {
		return nil
	}
	var script strings.Builder
	for i, c := range cmds {
		fmt.Fprintf(&script, "printf '%%s\\n' %s\n{ %s\n}\nrc=$?; if [ $rc -ne 0 ]; then echo \"@@netlab-failed %d $rc\" >&2; exit $rc; fi\n", shellQuote("$ "+c), c, i)
	}
	start := r.log.Len()
	if err := r.env.Shell.Run(ctx, script.String(), &r.log); err != nil {
		out := r.log.String()[start:]
		failed := "one of them"
		if j := strings.LastIndex(out, "@@netlab-failed "); j >= 0 {
			var n, rc int
			if _, serr := fmt.Sscanf(out[j:], "@@netlab-failed %d %d", &n, &rc); serr == nil && n < len(cmds) {
				failed = cmds[n]
			}
			out = out[:j]
		}
		return fmt.Errorf("%s: `%s` failed (%v): %s", what, failed, err, tail(out, 300))
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// buildStart builds the state the lesson starts from: the finished state
// of the lesson it requires (recursively), nothing otherwise.
func (r *unitRun) buildStart(ctx context.Context, l *lessons.Lesson, depth int) error {
	if l.Requires == "" {
		return nil
	}
	if depth > 10 {
		return fmt.Errorf("lesson %d: requires: goes round in a circle", l.ID)
	}
	pre, err := lessons.Find(r.env.Lessons, l.Requires)
	if err != nil {
		return err
	}
	if err := r.buildStart(ctx, pre, depth+1); err != nil {
		return err
	}
	// A fresh sandbox has none of pre's steps done, so every command runs
	// (what runner.Solver would do, minus its grading before each lesson).
	var cmds []string
	for _, s := range pre.Steps {
		cmds = append(cmds, s.Commands()...)
	}
	return r.run(ctx, fmt.Sprintf("building lesson %d", pre.ID), cmds)
}

// firstProblem names the first check of a step that did not pass.
func firstProblem(s runner.StepReport) string {
	for _, c := range s.Checks {
		if c.Status != checks.Pass {
			w := c.Why
			if w == "" {
				w = c.Message
			}
			return fmt.Sprintf("%s: %s %s", c.Name, c.Status, w)
		}
	}
	return ""
}

// progression checks a stretch of the lesson's progression, in a sandbox
// of its own so that stretches run in parallel: the state after the
// reference solutions of steps 1..K, for K from Step to To. K = 0 is the
// starting state, which must fail every step; at K, steps 1..K pass and
// step K+1 does not yet; after the last step, reset must leave nothing
// behind.
func (r *unitRun) progression(ctx context.Context) {
	l, from, to := r.l, r.u.Step, r.u.To
	if l.Troubleshoot() {
		r.rounds(ctx)
		return
	}
	if to < from {
		to = from
	}
	if from < 0 || to > len(l.Steps) {
		r.add("unit", Err, fmt.Sprintf("lesson %d has no steps %d-%d", l.ID, from, to))
		return
	}
	if err := r.buildStart(ctx, l, 0); err != nil {
		r.add(partOf(from), Err, err.Error())
		return
	}
	var before State
	if to == len(l.Steps) {
		var err error
		if before, err = snapshot(ctx, r.env.Lab, false); err != nil {
			r.add(partOf(from), Err, "cannot read the sandbox's state: "+err.Error())
			return
		}
	}
	var cmds []string
	for i := 0; i < from; i++ {
		cmds = append(cmds, l.Steps[i].Commands()...)
	}
	if err := r.run(ctx, fmt.Sprintf("solutions of steps 1-%d", from), cmds); err != nil {
		r.add(partOf(from), Err, err.Error())
		return
	}
	for k := from; k <= to; k++ {
		if k == 0 {
			r.fresh(ctx)
			continue
		}
		if k > from {
			if err := r.run(ctx, partOf(k), l.Steps[k-1].Commands()); err != nil {
				r.add(partOf(k), Err, err.Error())
				return
			}
		}
		r.after(ctx, k)
	}
	if to == len(l.Steps) {
		r.reset(ctx, before)
	}
}

// after grades the state after the solutions of steps 1..k.
func (r *unitRun) after(ctx context.Context, k int) {
	l := r.l
	rep := r.grade(ctx)
	var bad []string
	st := OK
	for i := 0; i < k; i++ {
		if s := rep.Steps[i]; !s.Passed {
			bad = append(bad, fmt.Sprintf("step %d does not pass (%s)", i+1, firstProblem(s)))
			if s.Status == checks.Error {
				st = worse(st, Err)
			} else {
				st = worse(st, Bad)
			}
		}
	}
	if k < len(l.Steps) && rep.Steps[k].Passed && !l.Steps[k].PassesEarly {
		bad = append(bad, fmt.Sprintf("step %d already passes; make its checks demand what its own solution does, or mark it passes_early", k+1))
		st = worse(st, Bad)
	}
	r.add(partOf(k), st, strings.Join(bad, "; "))
}

func partOf(k int) string {
	if k == 0 {
		return "fresh state fails every step"
	}
	return fmt.Sprintf("solution of step %d", k)
}

// fresh grades the starting state: every step must fail (not error).
func (r *unitRun) fresh(ctx context.Context) {
	rep := r.grade(ctx)
	var bad []string
	st := OK
	for _, s := range rep.Steps {
		switch s.Status {
		case checks.Pass:
			bad = append(bad, fmt.Sprintf("step %d passes before anything was done", s.Step))
			st = worse(st, Bad)
		case checks.Error:
			bad = append(bad, fmt.Sprintf("step %d: %s", s.Step, firstProblem(s)))
			st = worse(st, Err)
		}
	}
	r.add(partOf(0), st, strings.Join(bad, "; "))
}

// reset runs `netlab reset` on the solved lesson: the owned objects, and
// anything the solution made that was not in the starting state, must go.
func (r *unitRun) reset(ctx context.Context, before State) {
	const part = "reset leaves no lesson object"
	l := r.l
	if err := runner.Reset(ctx, r.env.Lab, []*lessons.Lesson{l}, &r.log); err != nil {
		r.add(part, Err, "reset failed: "+err.Error())
		return
	}
	after, err := snapshot(ctx, r.env.Lab, false)
	if err != nil {
		r.add(part, Err, "cannot read the sandbox's state: "+err.Error())
		return
	}
	left := leftovers(before, after)
	for _, ns := range l.Owns.Namespaces {
		if st, err := r.env.Lab.NamespaceState(ctx, ns); err == nil && st != kernel.NSMissing {
			left = append(left, "namespace "+ns)
		}
	}
	if len(left) > 0 {
		r.add(part, Bad, "left behind: "+strings.Join(dedup(left), ", "))
		return
	}
	r.add(part, OK, "")
}

// mistake builds one catalogued mistake and demands its diagnosis.
func (r *unitRun) mistake(ctx context.Context) {
	var m *mistakes.Mistake
	for i := range r.env.Catalog {
		if r.env.Catalog[i].ID == r.u.Mistake {
			m = &r.env.Catalog[i]
		}
	}
	part := "mistake " + r.u.Mistake
	if m == nil {
		r.add(part, Err, "no such mistake in the catalog")
		return
	}
	part = fmt.Sprintf("step %d mistake %s", m.Step, m.ID)
	if m.Step > len(r.l.Steps) {
		r.add(part, Bad, fmt.Sprintf("the catalog names step %d, but lesson %d has %d steps", m.Step, r.l.ID, len(r.l.Steps)))
		return
	}
	if m.Start != "fresh" {
		if err := r.buildStart(ctx, r.l, 0); err != nil {
			r.add(part, Err, err.Error())
			return
		}
		upTo := m.UpTo
		if upTo <= 0 || upTo > len(r.l.Steps) {
			upTo = len(r.l.Steps)
		}
		var cmds []string
		for i := 0; i < upTo; i++ {
			cmds = append(cmds, r.l.Steps[i].Commands()...)
		}
		if err := r.run(ctx, fmt.Sprintf("solutions of steps 1-%d", upTo), cmds); err != nil {
			r.add(part, Err, err.Error())
			return
		}
	}
	if err := r.run(ctx, "break", m.Commands()); err != nil {
		r.add(part, Err, err.Error())
		return
	}
	rep := r.gradeUpTo(ctx, m.Step)
	s := rep.Steps[m.Step-1]
	if s.Passed {
		r.add(part, Bad, fmt.Sprintf("step %d still passes after the mistake (%s)", m.Step, m.Title))
		return
	}
	// The diagnosis: a failing check of the step names the mistake and its
	// why says what the catalog expects.
	var got []string
	for _, c := range s.Checks {
		if c.Status != checks.Fail {
			if c.Status == checks.Error {
				got = append(got, fmt.Sprintf("%s: error %s", c.Name, c.Why))
			}
			continue
		}
		why := oneLine(c.Why)
		missing := missingWords(why, m.ExpectWhy)
		if c.Mistake == m.Want() && len(missing) == 0 {
			r.add(part, OK, fmt.Sprintf("diagnosed: %s", c.Mistake))
			return
		}
		d := fmt.Sprintf("%s: mistake %q", c.Name, c.Mistake)
		if len(missing) > 0 {
			d += fmt.Sprintf(", why %q lacks %q", why, strings.Join(missing, `", "`))
		}
		got = append(got, d)
	}
	st := Bad
	if s.Status == checks.Error {
		st = Err
	}
	r.add(part, st, fmt.Sprintf("step %d fails, but no check diagnoses %s (want mistake %q): %s", m.Step, m.ID, m.Want(), strings.Join(got, "; ")))
}

func missingWords(why string, want []string) []string {
	var out []string
	for _, w := range want {
		if !strings.Contains(why, w) {
			out = append(out, w)
		}
	}
	return out
}

// rank orders outcomes from best to worst (an unknown one ranks as OK).
// A switch: a package-level map is built at every start of netlab.
func rank(outcome string) int {
	switch outcome {
	case Warn:
		return 1
	case Err:
		return 2
	case Bad:
		return 3
	}
	return 0
}

func worse(a, b string) string {
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return oneLine(s)
}

func dedup(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
