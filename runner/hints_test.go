package runner_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// The hint shown first is the one for what the why diagnosed, naming the
// diagnosed namespace; a vague diagnosis (no-reply) comes after a precise
// one even when its check comes first.
func TestHintsFollowDiagnosis(t *testing.T) {
	st := lessons.Step{
		Hints: []lessons.Hint{
			{Text: "general"},
			{Text: "no reply from somewhere", When: "no-reply"},
			{Text: "lo is down in {ns}: `ip -n {ns} link set lo up`", When: "lo-down"},
			{Text: "{link} in {ns} is down", When: "link-down"},
		},
		Checks: []lessons.CheckSpec{
			{Kind: "ping", Params: &struct{ From, To string }{From: "ns1", To: "10.0.1.12"}},
			{Kind: "link_up", Params: &struct{ NS, Link string }{NS: "ns0", Link: "lo"}},
			{Kind: "link_up", Params: &struct{ NS, Link string }{NS: "ns2", Link: "lo"}},
		},
	}
	rep := runner.StepReport{Checks: []runner.CheckReport{
		{Status: checks.Fail, Mistake: "no-reply"},
		{Status: checks.Pass},
		{Status: checks.Fail, Mistake: "lo-down"},
	}}
	hs := runner.HintsFor(st, rep)
	require.Len(t, hs, 4)
	require.Equal(t, "lo is down in ns2: `ip -n ns2 link set lo up`", hs[0].Text)
	require.Equal(t, "no reply from somewhere", hs[1].Text)
	require.Equal(t, "general", hs[2].Text)
	require.Equal(t, "LINK in NS is down", hs[3].Text, "an undiagnosed hint keeps placeholders a learner can read")
}

// In the embedded lessons no step has two hints for one mistake, and a
// hint that names the diagnosed object ({ns}, {link}) is one written for
// a mistake (only those know their object).
func TestLessonHintsWellFormed(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	for _, l := range ls {
		for i, s := range l.Steps {
			seen := map[string]bool{}
			for _, h := range s.Hints {
				if h.When != "" {
					require.False(t, seen[h.When], "lesson %d step %d: two hints for %s", l.ID, i+1, h.When)
					seen[h.When] = true
				}
				if strings.Contains(h.Text, "{ns}") || strings.Contains(h.Text, "{link}") {
					require.NotEmpty(t, h.When, "lesson %d step %d: %q names an object but no mistake", l.ID, i+1, h.Text)
				}
				require.NotContains(t, h.Text, "one of the namespaces", "lesson %d step %d: name the namespace ({ns})", l.ID, i+1)
			}
		}
	}
}

// Lesson texts and hints make no claim that is false on this course's
// machines: ping's error (current iputils says `connect: Network is
// unreachable`), leftovers that a fresh lab cannot have, `-o br0` never
// matching (br_netfilter makes it match bridged traffic).
func TestLessonTextsNoStaleClaims(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	stale := []string{"sendto: Network unreachable", "still there from lesson", "left\n      over from lesson", "left over from lesson", "never\n      matches", "never matches the outgoing"}
	for _, l := range ls {
		all := l.Intro
		for _, s := range l.Steps {
			all += s.Text
			for _, h := range s.Hints {
				all += h.Text
			}
		}
		for _, s := range stale {
			require.NotContains(t, all, s, "lesson %d", l.ID)
		}
	}
}
