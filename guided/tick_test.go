package guided

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTick follows a learner through the per-prompt re-grade.
func TestTick(t *testing.T) {
	l := testLesson(1, 4)
	g := &scripted{full: l}
	var out bytes.Buffer
	var recorded []string // the output seen when each Record ran
	tk := &Ticker{Session: newTestSession(t), Lesson: l, Grader: g,
		Print:  Printer{Out: &out, Verbose: true},
		Record: func(done int) { recorded = append(recorded, out.String()) },
	}
	tick := func() (string, string) {
		out.Reset()
		recorded = nil
		label := tk.Tick(context.Background())
		return label, out.String()
	}

	label, got := tick()
	require.Equal(t, "1/4", label)
	require.Equal(t, "→ step 1/4: step A\n\n  do A\n\n", got, "the first prompt says where the learner is, no why yet")

	_, got = tick()
	require.Empty(t, got, "nothing changed: silence")

	// Item 8: a command changed the why of the failing step: one line.
	g.whys = map[int]string{1: "ns0 exists but lo is down"}
	_, got = tick()
	require.Equal(t, "    why: ns0 exists but lo is down\n", got)
	_, got = tick()
	require.Empty(t, got, "the same why is not repeated")

	// Item 6: steps 1 and 2 pass with one command; step 2's text was
	// never shown, so it is now; step 1's was.
	g.set(1, 2)
	label, got = tick()
	require.Equal(t, "3/4", label)
	require.Contains(t, got, CompletionLine(l, 1)+"\n"+CompletionLine(l, 2)+"\n  (it passed before you got to it; what it teaches:)\n  do B\n")
	require.NotContains(t, got, "  do A")
	require.Contains(t, got, "→ next, step 3/4: step C")
	require.NotContains(t, got, "why:", "the next step's why is not news")
	require.Len(t, recorded, 2)
	require.NotContains(t, recorded[0], CompletionLine(l, 1), "progress is saved before the learner sees the mark")

	// Item 5: step 1 breaks, step 2 still passes: only step 1 is announced.
	g.set(2)
	g.whys = map[int]string{1: "lo is down in ns0"}
	label, got = tick()
	require.Equal(t, "1/4", label)
	require.Contains(t, got, "✗ step 1/4 no longer passes: step A\n    why: lo is down in ns0\n")
	require.NotContains(t, got, "step 2/4 no longer passes")
	_, got = tick()
	require.Empty(t, got, "the regression's why was said once")

	// A replay before the first prompt: one line, no texts.
	g.set(1, 2, 3)
	tk.Session = newTestSession(t)
	_, got = tick()
	require.Equal(t, "✓ steps 1-3 of 4 pass already (step A ... step C)\n→ step 4/4: step D\n\n  do D\n\n", got)
	require.False(t, strings.Contains(got, "do B"))
}
