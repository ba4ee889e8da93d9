package lessons

import (
	"fmt"
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

// indexOfAll is the index of made-up lessons, each constructed by New
// as itself.
func indexOfAll(all []*Lesson) []lessonIndex {
	var index []lessonIndex
	for _, l := range all {
		e := indexOf(l)
		e.New = func() *Lesson { return l }
		index = append(index, e)
	}
	return index
}

// lessonsAt are the lessons of index at positions at.
func lessonsAt(index []lessonIndex, at []int) []*Lesson {
	var out []*Lesson
	for _, i := range at {
		out = append(out, index[i].New())
	}
	return out
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
	index := indexOfAll(all)
	for key, want := range map[string][]*Lesson{
		"a": {a, b, c}, "b": {b, c}, "c": {c}, "d": {d}, "ts": all, "3": {c}, "5": all,
	} {
		got, ok := needed(index, []string{key})
		require.True(t, ok)
		require.Equal(t, slugs(want), slugs(lessonsAt(index, got)), key)
	}
	got, ok := needed(index, []string{"c", "a"})
	require.True(t, ok)
	require.Equal(t, []string{"a", "b", "c"}, slugs(lessonsAt(index, got)), "in the lessons' order, each once")
	e := &Lesson{ID: 6, Slug: "e", Supersedes: []Supersedes{{Lesson: "d"}}}
	withTS := []*Lesson{d, ts, e}
	ts.Supersedes = []Supersedes{{Lesson: "e"}}
	withTSIndex := indexOfAll(withTS)
	got, _ = needed(withTSIndex, []string{"e"})
	require.Equal(t, slugs(withTS), slugs(lessonsAt(withTSIndex, got)), "a troubleshooting lesson that supersedes e brings every lesson")
	_, ok = needed(index, []string{"zz"})
	require.False(t, ok)
	_, ok = needed(index, []string{"a", "9"})
	require.False(t, ok, "one unknown key is enough")
}

// TestIndexOf: an entry says what the lesson says: its ID and slug,
// whether it has rounds, and each lesson it supersedes once.
func TestIndexOf(t *testing.T) {
	l := &Lesson{ID: 4, Slug: "x", Rounds: []string{"a"}, Supersedes: []Supersedes{
		{Lesson: "b", Step: 1}, {Lesson: "a", Step: 2}, {Lesson: "b", Step: 3},
	}}
	require.Equal(t, lessonIndex{ID: 4, Slug: "x", Troubleshoot: true, Supersedes: []string{"b", "a"}}, indexOf(l))
	require.Equal(t, lessonIndex{ID: 1, Slug: "y"}, indexOf(&Lesson{ID: 1, Slug: "y"}))
}

// TestCompiledIndex: compiledIndex, from which CompiledFor decides which
// lessons to construct, says of each lesson what the lesson its New
// constructs says (ID, slug, troubleshooting, what it supersedes), in the
// order of Compiled; each New constructs a new lesson, not a shared one.
func TestCompiledIndex(t *testing.T) {
	all, err := LoadEmbedded()
	require.NoError(t, err)
	require.Len(t, compiledIndex, len(all))
	nTS, nSup := 0, 0
	for i, e := range compiledIndex {
		l := e.New()
		want := indexOf(l)
		e.New = nil
		require.Equal(t, want, e, "compiledIndex[%d] is what compiledLesson%d constructs", i, l.ID)
		require.Equal(t, all[i].Slug, l.Slug, "in Compiled's order")
		require.NotSame(t, l, compiledIndex[i].New(), "a new lesson each time")
		if e.Troubleshoot {
			nTS++
		}
		nSup += len(e.Supersedes)
	}
	require.Equal(t, 1, nTS, "the course has one troubleshooting lesson")
	require.Positive(t, nSup, "some lesson supersedes another's checks")
}

// TestFindIndexAgreesWithFind: the index finds a lesson as Find finds it
// in the lessons, and fails where Find fails.
func TestFindIndexAgreesWithFind(t *testing.T) {
	all := compiledLessons()
	keys := []string{"0", "9", "42", "-1", "", "zz", "02", "Veth", " 2"}
	for _, l := range all {
		keys = append(keys, fmt.Sprint(l.ID), l.Slug)
	}
	for _, k := range keys {
		l, err := Find(all, k)
		i, ok := findIndex(compiledIndex[:], k)
		require.Equal(t, err == nil, ok, "%q", k)
		if ok {
			require.Equal(t, l.Slug, compiledIndex[i].Slug, "%q", k)
		}
	}
	// A slug that is another lesson's number: Find takes the number first.
	made := []*Lesson{{ID: 1, Slug: "2"}, {ID: 2, Slug: "b"}}
	l, err := Find(made, "2")
	require.NoError(t, err)
	i, ok := findIndex(indexOfAll(made), "2")
	require.True(t, ok)
	require.Equal(t, l.Slug, made[i].Slug)
	require.Equal(t, "b", l.Slug)
}

// countConstructors makes compiledIndex's constructors count their calls
// (by slug) until the test ends.
func countConstructors(t *testing.T) *[]string {
	var calls []string
	saved := compiledIndex
	t.Cleanup(func() { compiledIndex = saved })
	for i := range compiledIndex {
		e := &compiledIndex[i]
		newLesson, slug := e.New, e.Slug
		e.New = func() *Lesson {
			calls = append(calls, slug)
			return newLesson()
		}
	}
	return &calls
}

// TestCompiledForConstructsOnlyWhatIsNeeded: CompiledFor constructs the
// lessons it returns, each once, and no other (`check 2` allocates lesson
// 2 alone); a bad key, Compiled and LoadEmbedded construct them all.
func TestCompiledForConstructsOnlyWhatIsNeeded(t *testing.T) {
	every := slugs(compiledLessons())
	calls := countConstructors(t)
	for _, tc := range []struct {
		keys []string
		want []string
	}{
		{[]string{"2"}, []string{"veth"}},
		{[]string{"veth"}, []string{"veth"}},
		{[]string{"3"}, []string{"bridge", "iptables"}},
		{[]string{"4", "3", "bridge"}, []string{"bridge", "iptables"}},
		{[]string{"8"}, every},
		{[]string{"42"}, every},
		{[]string{"2", "nope"}, every},
		{nil, nil},
	} {
		*calls = nil
		ls, err := CompiledFor(checks.Default(), tc.keys...)
		require.NoError(t, err)
		require.Equal(t, tc.want, slugs(ls), "%v", tc.keys)
		require.Equal(t, tc.want, *calls, "%v constructs these lessons, each once, and no other", tc.keys)
	}
	*calls = nil
	_, err := Compiled(checks.Default())
	require.NoError(t, err)
	require.Equal(t, every, *calls)
	*calls = nil
	_, err = LoadEmbedded()
	require.NoError(t, err)
	require.Equal(t, every, *calls)
}

// neededByLessons is CompiledFor's choice as it was made before the
// index: on every constructed lesson, with Find.
func neededByLessons(all []*Lesson, keys []string) (need []*Lesson, ok bool) {
	in := map[*Lesson]bool{}
	var add func(l *Lesson)
	add = func(l *Lesson) {
		if in[l] {
			return
		}
		in[l] = true
		if l.Troubleshoot() {
			for _, o := range all {
				add(o)
			}
			return
		}
		for _, o := range all {
			for _, s := range o.Supersedes {
				if s.Lesson == l.Slug {
					add(o)
				}
			}
		}
	}
	for _, k := range keys {
		l, err := Find(all, k)
		if err != nil {
			return nil, false
		}
		add(l)
	}
	for _, l := range all {
		if in[l] {
			need = append(need, l)
		}
	}
	return need, true
}

// withoutChecks drops the built checks (functions, which do not compare)
// of ls, keeping all else, their parameters and phases included.
func withoutChecks(ls []*Lesson) []*Lesson {
	for _, l := range ls {
		for i := range l.Steps {
			for j := range l.Steps[i].Checks {
				l.Steps[i].Checks[j].Check = nil
			}
		}
	}
	return ls
}

// TestCompiledForAsFromAllLessons: for every key and some pairs, the
// lessons CompiledFor constructs are, content and order, those the old
// way picked out of every lesson.
func TestCompiledForAsFromAllLessons(t *testing.T) {
	all := compiledLessons()
	keysets := [][]string{nil, {"zz"}, {"0"}, {"2", "5"}, {"router", "1"}, {"3", "8"}}
	for _, l := range all {
		keysets = append(keysets, []string{fmt.Sprint(l.ID)}, []string{l.Slug})
	}
	for _, keys := range keysets {
		every, err := Compiled(checks.Default())
		require.NoError(t, err)
		want, ok := neededByLessons(every, keys)
		if !ok {
			want = every
		}
		got, err := CompiledFor(checks.Default(), keys...)
		require.NoError(t, err)
		require.Equal(t, describe(want), describe(got), "%v", keys)
		require.Equal(t, withoutChecks(want), withoutChecks(got), "%v", keys)
	}
}

// Namespaces names what a lesson owns, by number or slug, from the index
// alone; a key that names no lesson has none.
func TestNamespacesOfAKey(t *testing.T) {
	all, err := Compiled(checks.Default())
	require.NoError(t, err)
	for _, l := range all {
		require.Equal(t, l.Owns.Namespaces, Namespaces(fmt.Sprint(l.ID)), "lesson %d", l.ID)
		require.Equal(t, l.Owns.Namespaces, Namespaces(l.Slug))
	}
	require.Equal(t, []string{"ns0", "ns1"}, Namespaces("veth"))
	require.Nil(t, Namespaces("nope"))
	// A copy: what a caller does with it leaves the index as it was.
	Namespaces("veth")[0] = "changed"
	require.Equal(t, []string{"ns0", "ns1"}, Namespaces("veth"))
}

// Only a troubleshooting lesson's grade changes the lab.
func TestChangesOfAKey(t *testing.T) {
	all, err := Compiled(checks.Default())
	require.NoError(t, err)
	for _, l := range all {
		require.Equal(t, l.Troubleshoot(), Changes(fmt.Sprint(l.ID)), "lesson %d", l.ID)
		require.Equal(t, l.Troubleshoot(), Changes(l.Slug))
	}
	require.True(t, Changes("8"))
	require.False(t, Changes("nope"))
}
