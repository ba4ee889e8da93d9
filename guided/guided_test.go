package guided

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

func testLesson(id, steps int) *lessons.Lesson {
	l := &lessons.Lesson{ID: id, Slug: "l" + string(rune('0'+id)), Title: "T"}
	for i := 0; i < steps; i++ {
		l.Steps = append(l.Steps, lessons.Step{Title: "step " + string(rune('A'+i)), Text: "do " + string(rune('A'+i))})
	}
	return l
}

// scripted grades from a set of passing steps and records what it was
// asked to grade (by step index in the full lesson).
type scripted struct {
	mu     sync.Mutex
	full   *lessons.Lesson
	pass   map[int]bool // 1-based
	whys   map[int]string
	graded [][]int
	during func() // called inside each Grade, before it judges
	after  func() // called inside each Grade, after it judged
}

func (s *scripted) hooks(during, after func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.during, s.after = during, after
}

func (s *scripted) set(pass ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pass = map[int]bool{}
	for _, p := range pass {
		s.pass[p] = true
	}
}

func (s *scripted) Grade(_ context.Context, l *lessons.Lesson) runner.Report {
	s.mu.Lock()
	during, after := s.during, s.after
	s.mu.Unlock()
	if during != nil {
		during()
	}
	if after != nil {
		defer after()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var idx []int
	rep := runner.Report{Lesson: l.ID, MaxScore: len(l.Steps)}
	for i := range l.Steps {
		k := 0
		for j := range s.full.Steps {
			if &s.full.Steps[j] == &l.Steps[i] {
				k = j + 1
			}
		}
		idx = append(idx, k)
		st := checks.Fail
		if s.pass[k] {
			st = checks.Pass
		}
		why := "because " + l.Steps[i].Title
		if w, ok := s.whys[k]; ok {
			why = w
		}
		rep.Steps = append(rep.Steps, runner.StepReport{Step: i + 1, Title: l.Steps[i].Title, Passed: s.pass[k], Status: st,
			Checks: []runner.CheckReport{{Status: st, Why: why}}})
	}
	s.graded = append(s.graded, idx)
	return rep
}

func (s *scripted) grades() [][]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]int(nil), s.graded...)
}

func TestAdvance(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pass      []int
		done      int
		wantTo    int
		regressed bool
		graded    [][]int
		completed []int
	}{
		{"nothing yet", nil, 0, 0, false, [][]int{{1}}, nil},
		{"first step: later steps are not graded", []int{1}, 0, 1, false, [][]int{{1}, {2}}, []int{1}},
		{"several at once", []int{1, 2, 3}, 0, 3, false, [][]int{{1}, {2}, {3}, {4}}, []int{1, 2, 3}},
		{"no change regrades the prefix only", []int{1, 2}, 2, 2, false, [][]int{{1, 2, 3}}, nil},
		{"regression", []int{1, 3}, 2, 1, true, [][]int{{1, 2, 3}}, nil},
		{"regression of step 1 only", []int{2, 3}, 3, 0, true, [][]int{{1, 2, 3, 4}}, nil},
		{"all done", []int{1, 2, 3, 4}, 3, 4, false, [][]int{{1, 2, 3, 4}}, []int{4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := testLesson(1, 4)
			g := &scripted{full: l}
			g.set(tc.pass...)
			var got []int
			c := AdvanceStream(context.Background(), g, l, tc.done, func(k int) { got = append(got, k) })
			require.Equal(t, tc.wantTo, c.To)
			require.Equal(t, tc.done, c.From)
			require.Equal(t, tc.regressed, c.Regressed)
			if tc.regressed {
				// Broken: exactly the steps before From that fail now.
				var want []int
				for k := 1; k <= tc.done; k++ {
					if !slices.Contains(tc.pass, k) {
						want = append(want, k)
					}
				}
				require.Equal(t, want, c.Broken)
			}
			require.Equal(t, tc.graded, g.grades())
			require.Equal(t, tc.completed, got)
			if c.To < 4 {
				require.NotNil(t, c.Failing)
				require.Equal(t, c.To+1, c.Failing.Step)
			}
		})
	}
}

func TestPrinter(t *testing.T) {
	l1, l2 := testLesson(1, 3), testLesson(2, 2)
	var b bytes.Buffer
	p := Printer{Out: &b, Lessons: []*lessons.Lesson{l1, l2}}

	p.Print(l1, Change{From: 1, To: 1})
	require.Empty(t, b.String(), "nothing changed: nothing printed")

	p.Print(l1, Change{From: 0, To: 2})
	require.Equal(t, "✓ step 1/3 done: step A\n✓ step 2/3 done: step B\n→ next, step 3/3: step C\n", b.String())

	b.Reset()
	// Only the steps that really fail are announced (step 2 still passes).
	p.Print(l1, Change{From: 2, To: 0, Regressed: true, Broken: []int{1}, Failing: &runner.StepReport{Checks: []runner.CheckReport{
		{Status: checks.Pass, Why: "not me"}, {Status: checks.Fail, Why: "ns0   gone"}, {Status: checks.Fail, Why: "nor me"}}}})
	require.Equal(t, "✗ step 1/3 no longer passes: step A\n    why: ns0 gone\n→ next, step 1/3: step A\n", b.String())

	// A step completed before the learner saw it: its text, in verbose
	// mode; the step the learner was on is not repeated.
	b.Reset()
	pv := p
	pv.Verbose = true
	pv.Print(l1, Change{From: 0, To: 2})
	require.Contains(t, b.String(), "✓ step 2/3 done: step B\n  (it passed before you got to it; what it teaches:)\n  do B\n")
	require.NotContains(t, b.String(), "  do A")

	b.Reset()
	p.Print(l1, Change{From: 2, To: 3})
	require.Contains(t, b.String(), "★ Lesson 1 (l1) complete")
	require.Contains(t, b.String(), "Next: netlab lesson 2 (l2")

	b.Reset()
	p.Print(l2, Change{From: 1, To: 2})
	require.Contains(t, b.String(), "That was the last lesson")
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, time.Millisecond)
}

// TestWatchLoop drives the watch loop with a fake event source.
func TestWatchLoop(t *testing.T) {
	l := testLesson(1, 3)
	g := &scripted{full: l}
	events := make(chan kernel.Event, 100)
	var mu sync.Mutex
	var out bytes.Buffer
	w := &Watch{Lesson: l, Grader: g, Events: events, Print: Printer{Out: syncWriter{&mu, &out}}, Quiet: 2 * time.Millisecond, Max: 50 * time.Millisecond}
	var changes []Change
	var seen []string // what was printed when each change was saved
	w.OnChange = func(c Change) {
		mu.Lock()
		changes = append(changes, c)
		seen = append(seen, out.String())
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	text := func() string { mu.Lock(); defer mu.Unlock(); return out.String() }

	waitFor(t, func() bool { return len(g.grades()) == 1 }) // the initial grade
	// The printer says where the learner starts after the grade returns.
	waitFor(t, func() bool { return text() != "" })
	require.Equal(t, "→ step 1/3: step A\n", text(), "where the learner starts")

	// A burst of events (one command) is one grade.
	g.set(1)
	for i := 0; i < 10; i++ {
		events <- kernel.Event{What: "link/addr/route"}
	}
	waitFor(t, func() bool { return strings.Contains(text(), "✓ step 1/3") })
	time.Sleep(20 * time.Millisecond)
	require.Len(t, g.grades(), 1+2, "one burst, one Advance (steps 1, then 2): %v", g.grades())

	// Neighbour events made while grading (netlab's own pings) do not
	// start another grade...
	n := len(g.grades())
	g.hooks(func() { events <- kernel.Event{What: kernel.WhatNeigh} }, nil)
	events <- kernel.Event{What: "link/addr/route"}
	waitFor(t, func() bool { return len(g.grades()) >= n+1 })
	time.Sleep(30 * time.Millisecond)
	require.Len(t, g.grades(), n+1, "netlab's own neighbour events must not loop")
	require.Equal(t, "→ step 1/3: step A\n✓ step 1/3 done: step A\n→ next, step 2/3: step B\n", text(), "no change, nothing more printed")

	// ...but any other event during a grade does: the learner's change is
	// never lost.
	n = len(g.grades())
	var once sync.Once
	// The change lands just after this grade judged step 2 failing.
	g.hooks(nil, func() {
		once.Do(func() {
			g.set(1, 2)
			events <- kernel.Event{NS: "ns0", What: "link/addr/route"}
		})
	})
	events <- kernel.Event{What: "netns", NS: "ns0"}
	waitFor(t, func() bool { return strings.Contains(text(), "✓ step 2/3") })
	require.GreaterOrEqual(t, len(g.grades()), n+2, "the event during the grade earned a second grade")
	mu.Lock()
	require.Len(t, changes, 2)
	require.Equal(t, 2, changes[1].To)
	// Saved before printed: a learner who saw the mark has it saved.
	require.NotContains(t, seen[0], "✓ step 1/3")
	require.NotContains(t, seen[1], "✓ step 2/3")
	mu.Unlock()

	cancel()
	require.NoError(t, <-done)

	// A source that stops is an error, not a silent exit.
	closed := make(chan kernel.Event)
	close(closed)
	w2 := &Watch{Lesson: l, Grader: &scripted{full: l}, Events: closed, Print: Printer{Out: &bytes.Buffer{}}}
	require.ErrorIs(t, w2.Run(context.Background()), ErrEventsClosed)
}

type syncWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Look at it:\n\n    bridge fdb show\n    ip link\n\nThen read the list.\nMore.\n", "Look at it:\n\n    bridge fdb show\n    ip link\n..."},
		{"First paragraph\ngoes on.\n\nSecond.\n", "First paragraph\ngoes on.\n..."},
		{"One paragraph only.\n", "One paragraph only."},
		{"Intro.\n\n    cmd\n", "Intro.\n\n    cmd"},
	} {
		require.Equal(t, tc.want, Excerpt(tc.text))
	}
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	for _, l := range ls {
		for _, s := range l.Steps {
			ex := Excerpt(s.Text)
			require.NotEmpty(t, ex)
			require.True(t, strings.HasPrefix(strings.TrimSpace(s.Text), strings.TrimSuffix(ex, "\n...")), "%s: %q", s.Title, ex)
		}
	}
}
