package lessonyaml_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

const base = good + "owns:\n  namespaces: [x]\n  ns_links: [lo]\n"

const rounds = `id: 10
slug: fixit
title: Fix it
rounds: [demo]
steps:
  - title: Round 1
    text: Repair it.
    hints: [links, addresses, routes]
  - title: Round 2
    text: Again.
    hints: [the same method]
`

// A troubleshooting lesson: steps without checks or solution, numbered
// rounds, the base lessons' owns; bad rounds are refused with the line.
func TestRoundsLesson(t *testing.T) {
	reg := checks.Default()
	ls, err := lessonyaml.Load(fstest.MapFS{"09-demo.yaml": {Data: []byte(base)}, "10-fixit.yaml": {Data: []byte(rounds)}}, reg)
	require.NoError(t, err)
	l, err := lessons.Find(ls, "fixit")
	require.NoError(t, err)
	require.True(t, l.Troubleshoot())
	require.Equal(t, []string{"x"}, l.Owns.Namespaces)
	require.Equal(t, []string{"lo"}, l.Owns.NSLinks)
	require.Equal(t, 1, l.Steps[0].Round)
	require.Equal(t, 2, l.Steps[1].Round)
	bs, err := l.Bases(ls)
	require.NoError(t, err)
	require.Equal(t, "demo", bs[0].Slug)

	cases := []struct{ name, yaml, want string }{
		{"unknown base", strings.Replace(rounds, "[demo]", "[nope]", 1), `lessons/10-fixit.yaml:4: rounds: "nope" is no lesson's slug`},
		{"itself", strings.Replace(rounds, "[demo]", "[fixit]", 1), "is a troubleshooting lesson itself"},
		{"twice", strings.Replace(rounds, "[demo]", "[demo, demo]", 1), "named twice"},
		{"a step with checks", strings.Replace(rounds, "    text: Again.\n", "    text: Again.\n    checks:\n      - kind: netns\n        ns: x\n", 1), "step 2: a step of a troubleshooting lesson (rounds:) has no checks and no solution"},
		{"requires", "requires: demo\n" + rounds, "takes no requires:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lessonyaml.Load(fstest.MapFS{"09-demo.yaml": {Data: []byte(base)}, "10-fixit.yaml": {Data: []byte(tc.yaml)}}, reg)
			require.ErrorContains(t, err, tc.want)
		})
	}
	// Without rounds: the same steps are refused (no solution, no checks).
	_, err = lessonyaml.Load(fstest.MapFS{"10-fixit.yaml": {Data: []byte(strings.Replace(rounds, "rounds: [demo]\n", "", 1))}}, reg)
	require.ErrorContains(t, err, "a reference solution is required")
}
