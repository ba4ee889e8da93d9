package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
)

// Spawner runs one unit in a fresh sandbox and returns its result. The
// CLI re-executes the netlab binary; tests re-execute the test binary
// with a planted registry.
type Spawner func(ctx context.Context, u Unit) (UnitResult, error)

// Suite plans and runs the self-test.
type Suite struct {
	// Lessons are the lessons under test, loaded with the registry under
	// test (the children must load them with the same one).
	Lessons []*lessons.Lesson
	Catalog []mistakes.Mistake
	Spawn   Spawner
	// Host reads the view from outside the sandboxes (nil: not compared).
	Host kernel.Kernel
	// Parallel bounds concurrent units (default 4 per CPU: units mostly
	// wait for probe timeouts, not for the CPU).
	Parallel int
	// ProbeTimeout bounds one probe inside the units.
	ProbeTimeout time.Duration
	// Chunk is how many states of a lesson's progression one unit grades
	// (0: the whole progression in one unit).
	Chunk int
	// AllMistakes injects every catalogued mistake, not only the first
	// of each step.
	AllMistakes bool
	// Strict makes a step without any catalogued mistake a failure (under
	// CI=true the CLI sets it); otherwise it is a warning.
	Strict bool
}

// LessonResult is the verdict on one lesson.
type LessonResult struct {
	Lesson   int       `json:"lesson"`
	Slug     string    `json:"slug"`
	Passed   bool      `json:"passed"`
	Findings []Finding `json:"findings"`
}

// Result is the whole self-test.
type Result struct {
	Passed        bool           `json:"passed"`
	ElapsedMS     int64          `json:"elapsed_ms"`
	Units         int            `json:"units"`
	Lessons       []LessonResult `json:"lessons"`
	HostUnchanged *bool          `json:"host_unchanged,omitempty"`
	HostDiff      []string       `json:"host_diff,omitempty"`
	HostError     string         `json:"host_error,omitempty"`
	// UnitTimes says how long each sandboxed unit took, slowest first.
	UnitTimes []UnitTime `json:"unit_times"`
}

// UnitTime is one unit's wall time.
type UnitTime struct {
	Unit      string `json:"unit"`
	ElapsedMS int64  `json:"elapsed_ms"`
}

// Plan lists the units for the given lessons: each lesson's progression
// (nothing solved, then steps 1..K solved for every K) cut into stretches
// of at most chunk states, then one unit per catalogued mistake. Shorter
// stretches run more in parallel but rebuild more state (CPU); the
// longest units come first, so that they do not start last.
func Plan(ls []*lessons.Lesson, catalog []mistakes.Mistake, probe time.Duration, chunk int, allMistakes bool) []Unit {
	if chunk <= 0 {
		chunk = 1 << 20
	}
	var out []Unit
	for _, l := range ls {
		if l.Troubleshoot() {
			// Its rounds follow one another in one lab (see rounds).
			out = append(out, Unit{Lesson: l.ID, Kind: KindProgression, Step: 0, To: len(l.Steps), ProbeTimeout: probe})
			continue
		}
		for k := 0; k <= len(l.Steps); k += chunk {
			to := min(k+chunk-1, len(l.Steps))
			out = append(out, Unit{Lesson: l.ID, Kind: KindProgression, Step: k, To: to, ProbeTimeout: probe})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].To > out[j].To })
	for _, l := range ls {
		done := map[int]bool{}
		for _, m := range mistakes.ForLesson(catalog, l.Slug) {
			// By default the first catalogued mistake of each step: the
			// spec asks for one per step, and each costs a sandbox with the
			// lesson built (the catalog's own tests build every entry).
			if done[m.Step] && !allMistakes {
				continue
			}
			done[m.Step] = true
			out = append(out, Unit{Lesson: l.ID, Kind: KindMistake, Mistake: m.ID, ProbeTimeout: probe})
		}
	}
	return out
}

// Run self-tests the given lessons (all when ls is empty).
func (s *Suite) Run(ctx context.Context, ls []*lessons.Lesson) Result {
	start := time.Now()
	if len(ls) == 0 {
		ls = s.Lessons
	}
	res := Result{Passed: true}
	var before State
	var hostErr error
	if s.Host != nil {
		before, hostErr = snapshot(ctx, s.Host, true)
	}

	units := Plan(ls, s.Catalog, s.ProbeTimeout, s.Chunk, s.AllMistakes)
	results := s.runUnits(ctx, units)
	// A second wave where the first left a check never seen failing: the
	// step's other catalogued mistakes, which may well break what the
	// first one did not (an over-broad DROP breaks the control probes).
	if more := s.secondWave(ls, units, results); len(more) > 0 {
		units = append(units, more...)
		results = append(results, s.runUnits(ctx, more)...)
	}
	res.Units = len(units)

	for _, l := range ls {
		res.Lessons = append(res.Lessons, s.judge(l, results))
	}
	for i, r := range results {
		res.UnitTimes = append(res.UnitTimes, UnitTime{Unit: units[i].String(), ElapsedMS: r.ElapsedMS})
	}
	sort.SliceStable(res.UnitTimes, func(i, j int) bool { return res.UnitTimes[i].ElapsedMS > res.UnitTimes[j].ElapsedMS })
	if s.Host != nil {
		if hostErr == nil {
			var after State
			after, hostErr = snapshot(ctx, s.Host, true)
			if hostErr == nil {
				res.HostDiff = Diff(before, after)
				same := len(res.HostDiff) == 0
				res.HostUnchanged = &same
			}
		}
		if hostErr != nil {
			res.HostError = hostErr.Error()
		}
		if res.HostUnchanged == nil || !*res.HostUnchanged {
			res.Passed = false
		}
	}
	for _, lr := range res.Lessons {
		res.Passed = res.Passed && lr.Passed
	}
	res.ElapsedMS = time.Since(start).Milliseconds()
	return res
}

// runUnits runs units in parallel sandboxes; results are in units' order.
func (s *Suite) runUnits(ctx context.Context, units []Unit) []UnitResult {
	results := make([]UnitResult, len(units))
	par := s.Parallel
	if par <= 0 {
		par = 4 * runtime.NumCPU()
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, u := range units {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := s.Spawn(ctx, u)
			if err != nil {
				r = UnitResult{Unit: u, Findings: []Finding{{Lesson: u.Lesson, Part: u.String(), Status: Err, Detail: oneLine(err.Error())}}}
			}
			r.Unit = u
			results[i] = r
		}()
	}
	wg.Wait()
	return results
}

// secondWave lists the not yet injected mistakes of every step that has a
// check never seen failing.
func (s *Suite) secondWave(ls []*lessons.Lesson, ran []Unit, results []UnitResult) []Unit {
	done := map[string]bool{}
	for _, u := range ran {
		if u.Kind == KindMistake {
			done[u.Mistake] = true
		}
	}
	var out []Unit
	for _, l := range ls {
		failed := map[[2]int]bool{}
		for _, r := range results {
			if r.Unit.Lesson != l.ID {
				continue
			}
			for _, sn := range r.Seen {
				if sn.Fail {
					failed[[2]int{sn.Step, sn.Check}] = true
				}
			}
		}
		want := map[int]bool{}
		for i, st := range l.Steps {
			for j := range st.Checks {
				if !failed[[2]int{i + 1, j}] {
					want[i+1] = true
				}
			}
		}
		for _, m := range mistakes.ForLesson(s.Catalog, l.Slug) {
			if want[m.Step] && !done[m.ID] {
				out = append(out, Unit{Lesson: l.ID, Kind: KindMistake, Mistake: m.ID, ProbeTimeout: s.ProbeTimeout})
			}
		}
	}
	return out
}

// judge gathers one lesson's findings from its units and adds the
// lesson-wide ones: catalog coverage per step, and every check seen both
// passing and failing somewhere (a check that never fails cannot tell a
// right state from a wrong one).
func (s *Suite) judge(l *lessons.Lesson, all []UnitResult) LessonResult {
	lr := LessonResult{Lesson: l.ID, Slug: l.Slug, Passed: true}
	seen := map[[2]int]Seen{}
	covered := map[int][]string{}
	mine := make([]UnitResult, 0, len(all))
	for _, r := range all {
		if r.Unit.Lesson == l.ID {
			mine = append(mine, r)
		}
	}
	// The table reads in the lesson's order: the progression step by
	// step (reset last), then the mistakes by step.
	stepOf := map[string]int{}
	for _, m := range s.Catalog {
		stepOf[m.ID] = m.Step
	}
	key := func(u Unit) int {
		if u.Kind == KindMistake {
			return 1000 + stepOf[u.Mistake]
		}
		return u.Step
	}
	sort.SliceStable(mine, func(i, j int) bool { return key(mine[i].Unit) < key(mine[j].Unit) })
	for _, r := range mine {
		if r.Unit.Lesson != l.ID {
			continue
		}
		lr.Findings = append(lr.Findings, r.Findings...)
		for _, sn := range r.Seen {
			k := [2]int{sn.Step, sn.Check}
			old := seen[k]
			old.Pass = old.Pass || sn.Pass
			old.Fail = old.Fail || sn.Fail
			seen[k] = old
		}
		if r.Unit.Kind == KindMistake {
			for _, m := range s.Catalog {
				if m.ID == r.Unit.Mistake {
					covered[m.Step] = append(covered[m.Step], m.ID)
				}
			}
		}
	}
	var uncovered []string
	for i := range l.Steps {
		if len(covered[i+1]) == 0 {
			uncovered = append(uncovered, fmt.Sprint(i+1))
		}
	}
	if l.Troubleshoot() {
		// Its faults are other lessons' entries, injected in their units
		// and in its own rounds.
		uncovered = nil
	}
	if len(uncovered) > 0 {
		st := Warn
		if s.Strict {
			st = Bad
		}
		lr.Findings = append(lr.Findings, Finding{Lesson: l.ID, Part: "every step has a catalogued mistake", Status: st,
			Detail: fmt.Sprintf("not covered: step %s (add entries to mistakes/catalog.yaml)", strings.Join(uncovered, ", "))})
	} else {
		lr.Findings = append(lr.Findings, Finding{Lesson: l.ID, Part: "every step has a catalogued mistake", Status: OK})
	}
	var never []string
	for i, st := range l.Steps {
		for j, c := range st.Checks {
			sn, ok := seen[[2]int{i + 1, j}]
			switch {
			case !ok:
				never = append(never, fmt.Sprintf("step %d %q was never graded", i+1, c.Title()))
			case !sn.Fail && !sn.Pass:
				never = append(never, fmt.Sprintf("step %d %q never passed nor failed (always error)", i+1, c.Title()))
			case !sn.Fail:
				never = append(never, fmt.Sprintf("step %d %q never failed in any state selftest built", i+1, c.Title()))
			case !sn.Pass:
				never = append(never, fmt.Sprintf("step %d %q never passed", i+1, c.Title()))
			}
		}
	}
	if len(never) > 0 {
		lr.Findings = append(lr.Findings, Finding{Lesson: l.ID, Part: "every check seen passing and failing", Status: Bad, Detail: strings.Join(never, "; ")})
	} else {
		lr.Findings = append(lr.Findings, Finding{Lesson: l.ID, Part: "every check seen passing and failing", Status: OK})
	}
	for _, f := range lr.Findings {
		if f.Status == Bad || f.Status == Err {
			lr.Passed = false
		}
	}
	return lr
}

// WriteJSON writes the result as one JSON object.
func (r Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the result as a table, one finding a line.
func (r Result) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LESSON\tPART\tRESULT\tDETAIL")
	for _, lr := range r.Lessons {
		for _, f := range lr.Findings {
			fmt.Fprintf(tw, "%d %s\t%s\t%s\t%s\n", lr.Lesson, lr.Slug, f.Part, f.Status, f.Detail)
		}
	}
	switch {
	case r.HostError != "":
		fmt.Fprintf(tw, "host\tunchanged\terror\t%s\n", oneLine(r.HostError))
	case r.HostUnchanged == nil:
		fmt.Fprintf(tw, "host\tunchanged\tskipped\tnot compared\n")
	case *r.HostUnchanged:
		fmt.Fprintf(tw, "host\tunchanged\tok\t\n")
	default:
		fmt.Fprintf(tw, "host\tunchanged\tfail\t%s\n", strings.Join(r.HostDiff, "; "))
	}
	tw.Flush()
	verdict := "PASS"
	if !r.Passed {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "selftest %s: %d lessons, %d sandboxed units, %.1fs\n", verdict, len(r.Lessons), r.Units, float64(r.ElapsedMS)/1000)
}
