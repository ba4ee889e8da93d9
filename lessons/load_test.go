package lessons_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
)

func TestEmbeddedLessonsLoad(t *testing.T) {
	all, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	require.NotEmpty(t, all)
	for i, l := range all {
		require.Equal(t, i+1, l.ID, "lessons are numbered 1..N without gaps")
		for _, s := range l.Steps {
			for _, c := range s.Checks {
				require.NotNil(t, c.Check, "%s: check %s built", l.File, c.Kind)
			}
		}
	}
}

const good = `id: 9
slug: demo
title: Demo
steps:
  - title: One
    text: Do it.
    hints: [just do it]
    solution: ip netns add x
    checks:
      - kind: netns
        ns: x
`

func TestStrictParsing(t *testing.T) {
	reg := checks.Default()
	_, err := lessons.Parse("demo.yaml", []byte(good), reg)
	require.NoError(t, err)

	cases := []struct {
		name, yaml, want string
	}{
		{"unknown top field", "colour: red\n" + good, "demo.yaml:1:"},
		{"unknown check field", replace(good, "        ns: x\n", "        ns: x\n        nss: y\n"), "demo.yaml:12:"},
		{"field the kind does not take", replace(good, "        ns: x\n", "        ns: x\n        addr: 10.0.0.1/24\n"), `demo.yaml:12: check kind netns takes no field "addr"`},
		{"unknown kind", replace(good, "kind: netns", "kind: nets"), `demo.yaml:10: unknown check kind "nets"`},
		{"missing required", replace(good, "        ns: x\n", "        name: x\n"), `demo.yaml:10: check kind netns needs field "ns"`},
		{"bad value", replace(good, "      - kind: netns\n        ns: x\n", "      - kind: addr\n        link: lo\n        addr: 10.0.0.1\n"), "demo.yaml:12: addr: addr:"},
		{"no hint", replace(good, "    hints: [just do it]\n", ""), "demo.yaml:5: step 1: at least one hint"},
		{"bad id", replace(good, "id: 9", "id: -1"), "demo.yaml:1: id must be"},
		{"wrong type", replace(good, "id: 9", "id: nine"), "demo.yaml:1:"},
		{"bad hint field", replace(good, "hints: [just do it]", "hints: [{txt: x}]"), `demo.yaml:7: unknown field "txt"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lessons.Parse("demo.yaml", []byte(tc.yaml), reg)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadRejectsDuplicatesAndBadRequires(t *testing.T) {
	reg := checks.Default()
	fs := fstest.MapFS{"a.yaml": {Data: []byte(good)}, "b.yaml": {Data: []byte(good)}}
	_, err := lessons.Load(fs, reg)
	require.ErrorContains(t, err, "id 9 is already used")
	fs = fstest.MapFS{"a.yaml": {Data: []byte("requires: nope\n" + good)}}
	_, err = lessons.Load(fs, reg)
	require.ErrorContains(t, err, `requires "nope"`)
}

func TestFind(t *testing.T) {
	all, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	l, err := lessons.Find(all, "1")
	require.NoError(t, err)
	l2, err := lessons.Find(all, "netns")
	require.NoError(t, err)
	require.Same(t, l, l2)
	_, err = lessons.Find(all, "42")
	require.ErrorContains(t, err, "the lessons are 1 netns")
}

func replace(s, old, new string) string { return strings.Replace(s, old, new, 1) }

func TestDuplicateKeyIsAnError(t *testing.T) {
	_, err := lessons.Parse("demo.yaml", []byte("id: 9\nid: 10\n"+good[len("id: 9\n"):]), checks.Default())
	require.Error(t, err)
	require.Contains(t, err.Error(), "demo.yaml:2:")
}
