package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// TestCheckBuildsOnlyTheLessonsItGrades: `check 2` and `hint 2` build the
// checks of lesson 2 and of no other lesson (counted through the App's
// registry); `check 3` also builds lesson 4, which supersedes two of
// lesson 3's checks; `check --all` and `list` build every lesson.
func TestCheckBuildsOnlyTheLessonsItGrades(t *testing.T) {
	describe := func(ls []*lessons.Lesson) []string {
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
	checksOf := func(keys ...string) []string {
		ls, err := lessons.CompiledFor(checks.Default(), keys...)
		require.NoError(t, err)
		return describe(ls)
	}
	all, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	every := describe(all)
	for _, tc := range []struct {
		args  []string
		built []string
		slugs []string
	}{
		{[]string{"check", "2"}, checksOf("2"), []string{"veth"}},
		{[]string{"check", "--json", "veth"}, checksOf("2"), []string{"veth"}},
		{[]string{"hint", "2"}, checksOf("2"), []string{"veth"}},
		{[]string{"check", "3"}, checksOf("bridge", "iptables"), []string{"bridge", "iptables"}},
		{[]string{"check", "--all"}, every, nil},
		{[]string{"list"}, every, nil},
	} {
		reg := checks.Default()
		var built []string
		for _, name := range reg.Names() {
			k, _ := reg.Get(name)
			reg.Replace(k.Wrap(func(c checks.Check) checks.Check {
				built = append(built, c.Describe())
				return c
			}))
		}
		f := kerneltest.New()
		var out, errOut bytes.Buffer
		a := &App{
			Stdout: &out, Stderr: &errOut, Checks: reg,
			OpenLab:    func() (runner.Lab, func(), error) { return f, func() {}, nil },
			Privileged: func() bool { return true },
		}
		code := a.Run(tc.args)
		require.Contains(t, []int{ExitOK, ExitFail}, code, "%v\n%s%s", tc.args, out.String(), errOut.String())
		require.Equal(t, tc.built, built, "%v builds the checks of these lessons, and only these", tc.args)
		if tc.slugs != nil {
			var got []string
			for _, l := range a.Lessons {
				got = append(got, l.Slug)
			}
			require.Equal(t, tc.slugs, got, "%v", tc.args)
		} else {
			require.Len(t, a.Lessons, len(all), "%v", tc.args)
		}
	}
	require.Less(t, len(checksOf("2"))*3, len(every), "lesson 2 is a small part of the course")
}
