package lessons

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
)

// countingRegistry is checks.Default() whose kinds count the checks they
// build, by description.
func countingRegistry() (*checks.Registry, *[]string) {
	reg := checks.Default()
	var built []string
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		reg.Replace(k.Wrap(func(c checks.Check) checks.Check {
			built = append(built, c.Describe())
			return c
		}))
	}
	return reg, &built
}

func slugs(ls []*Lesson) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Slug)
	}
	return out
}

func describe(ls []*Lesson) []string {
	var out []string
	for _, l := range ls {
		for _, s := range l.Steps {
			for _, c := range s.Checks {
				out = append(out, c.Check.Describe())
			}
		}
	}
	return out
}

// TestCompiledForBuildsOnlyWhatGradingNeeds: grading lesson 2 builds the
// checks of lesson 2 alone; lesson 3's grading needs lesson 4, which
// supersedes two of its checks; the troubleshooting lesson needs every
// lesson; every lesson returned has all its checks built, and no other
// check is built.
func TestCompiledForBuildsOnlyWhatGradingNeeds(t *testing.T) {
	all, err := LoadEmbedded()
	require.NoError(t, err)
	require.Len(t, all, 8)
	for _, tc := range []struct {
		keys []string
		want []string
	}{
		{[]string{"2"}, []string{"veth"}},
		{[]string{"veth"}, []string{"veth"}},
		{[]string{"1"}, []string{"netns"}},
		{[]string{"3"}, []string{"bridge", "iptables"}},
		{[]string{"4"}, []string{"iptables"}},
		{[]string{"7"}, []string{"ipv6"}},
		{[]string{"2", "5"}, []string{"veth", "router"}},
		{[]string{"8"}, slugs(all)},
		{[]string{"troubleshoot"}, slugs(all)},
		{[]string{"42"}, slugs(all)},
		{nil, nil},
	} {
		reg, built := countingRegistry()
		ls, err := CompiledFor(reg, tc.keys...)
		require.NoError(t, err)
		require.Equal(t, tc.want, slugs(ls), "%v", tc.keys)
		require.Equal(t, describe(ls), *built, "%v: the checks of these lessons are built, and only they", tc.keys)
		for _, l := range ls {
			for _, s := range l.Steps {
				for _, c := range s.Checks {
					require.NotNil(t, c.Check, "%s: %s built", l.Slug, c.Kind)
				}
			}
		}
	}
	reg, built := countingRegistry()
	ls, err := Compiled(reg)
	require.NoError(t, err)
	require.Equal(t, slugs(all), slugs(ls))
	require.Equal(t, describe(all), *built, "Compiled builds every lesson")
	require.Greater(t, len(*built), len(describe(ls[1:2]))*3)
}

// TestNeededFollowsSupersedesAndRounds: the relation itself, on lessons
// made up for it: a chain of supersedes is followed, requires is not, and
// a troubleshooting lesson among the needed brings every lesson.
func TestNeededFollowsSupersedesAndRounds(t *testing.T) {
	a := &Lesson{ID: 1, Slug: "a"}
	b := &Lesson{ID: 2, Slug: "b", Requires: "a", Supersedes: []Supersedes{{Lesson: "a"}}}
	c := &Lesson{ID: 3, Slug: "c", Supersedes: []Supersedes{{Lesson: "b"}}}
	d := &Lesson{ID: 4, Slug: "d", Requires: "c"}
	ts := &Lesson{ID: 5, Slug: "ts", Rounds: []string{"d"}}
	all := []*Lesson{a, b, c, d, ts}
	for key, want := range map[string][]*Lesson{
		"a": {a, b, c}, "b": {b, c}, "c": {c}, "d": {d}, "ts": all,
	} {
		got, ok := needed(all, []string{key})
		require.True(t, ok)
		require.Equal(t, slugs(want), slugs(got), key)
	}
	e := &Lesson{ID: 6, Slug: "e", Supersedes: []Supersedes{{Lesson: "d"}}}
	withTS := []*Lesson{d, ts, e}
	ts.Supersedes = []Supersedes{{Lesson: "e"}}
	got, _ := needed(withTS, []string{"e"})
	require.Equal(t, slugs(withTS), slugs(got), "a troubleshooting lesson that supersedes e brings every lesson")
	_, ok := needed(all, []string{"zz"})
	require.False(t, ok)
}
