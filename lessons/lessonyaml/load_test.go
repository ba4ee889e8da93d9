package lessonyaml_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
	"github.com/netlab/netlab/mistakes"
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
	_, err := lessonyaml.Parse("demo.yaml", []byte(good), reg)
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
		{"unknown step field", replace(good, "    text: Do it.\n", "    text: Do it.\n    txet: again\n"), `demo.yaml:7: unknown field "txet"`},
		{"wrong-typed check field", replace(good, "      - kind: netns\n        ns: x\n", "      - kind: link_up\n        link: lo\n        oper: very\n"), "demo.yaml:12: cannot unmarshal !!str `very` into bool"},
		{"wrong-typed int field", replace(good, "      - kind: netns\n        ns: x\n", "      - kind: nf_rule\n        verdict: drop\n        dport: http\n"), "demo.yaml:12: cannot unmarshal !!str `http` into int"},
		{"list for a string", replace(good, "title: Demo", "title: [a, b]"), "demo.yaml:3: cannot unmarshal !!seq into string"},
		{"check field twice", replace(good, "        ns: x\n", "        ns: x\n        ns: y\n"), `demo.yaml:12: field "ns" is written twice (first at line 11)`},
		{"hint for a mistake no check of the step reports", replace(good, "hints: [just do it]", "hints: [{text: x, when: peer-down}]"), `demo.yaml:7: step 1: hint is for mistake "peer-down", which no check of this step reports`},
		{"hint for a misspelt mistake", replace(good, "    hints: [just do it]\n", "    hints:\n      - just do it\n      - text: x\n        when: ns-mising\n"), `demo.yaml:10: step 1: hint is for mistake "ns-mising"`},
		{"two documents", good + "---\nid: 3\n", "demo.yaml:12: a lesson file holds exactly one YAML document"},
		{"unknown kind, said after another field", replace(good, "      - kind: netns\n        ns: x\n", "      - ns: x\n        kind: nets\n"), `demo.yaml:11: unknown check kind "nets"`},
		{"bad namespace name", replace(good, "steps:\n", "owns:\n  namespaces: [\"a b\"]\nsteps:\n"), `demo.yaml:5: "a b" is not a namespace name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lessonyaml.Parse("demo.yaml", []byte(tc.yaml), reg)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadRejectsDuplicatesAndBadRequires(t *testing.T) {
	reg := checks.Default()
	fs := fstest.MapFS{"a.yaml": {Data: []byte(good)}, "b.yaml": {Data: []byte(good)}}
	_, err := lessonyaml.Load(fs, reg)
	require.ErrorContains(t, err, "id 9 is already used")
	fs = fstest.MapFS{"a.yaml": {Data: []byte("requires: nope\n" + good)}}
	_, err = lessonyaml.Load(fs, reg)
	require.ErrorContains(t, err, `requires "nope"`)
}

// The catalogue and the lessons are one vocabulary: checked at load, with
// the line to fix.
func TestCatalogueCheckedAtLoad(t *testing.T) {
	reg := checks.Default()
	withHint := replace(good, "hints: [just do it]", "hints: [{text: add it, when: ns-missing}]")
	entry := mistakes.Mistake{ID: "forgot-ns", Lesson: "demo", Step: 1, Title: "t", Break: "true", ExpectMistake: "ns-missing", Line: 42}
	load := func(lesson string, cat ...mistakes.Mistake) error {
		_, err := lessonyaml.LoadWithCatalog(fstest.MapFS{"09-demo.yaml": {Data: []byte(lesson)}}, reg, cat)
		return err
	}
	require.NoError(t, load(withHint, entry))

	// A catalogued mistake whose step has no hint for it.
	require.ErrorContains(t, load(good, entry), "lessons/09-demo.yaml:7: step 1 has no hint for the catalogued mistake ns-missing (mistakes/catalog.yaml:42)")
	// A hint for a mistake that no catalogue entry builds.
	require.ErrorContains(t, load(withHint), `lessons/09-demo.yaml:7: step 1: hint is for mistake "ns-missing", which no entry of mistakes/catalog.yaml builds`)
	// A catalogued mistake that no check of its step can report.
	bad := entry
	bad.ExpectMistake = "peer-down"
	require.ErrorContains(t, load(withHint, entry, bad), `mistakes/catalog.yaml:42: mistake forgot-ns: no check of step 1 of demo reports "peer-down"`)
	// ... or at a step the lesson does not have.
	bad = entry
	bad.Step = 3
	require.ErrorContains(t, load(withHint, entry, bad), "mistakes/catalog.yaml:42: mistake forgot-ns is at step 3, but lesson demo has 1 steps")
	// Entries of other lessons are not judged here.
	other := entry
	other.Lesson = "elsewhere"
	require.NoError(t, load(withHint, entry, other))
}

// The built-in lessons and catalogue pass the same checks: every
// catalogued mistake has its hint, every when: is catalogued.
func TestEmbeddedCatalogueFits(t *testing.T) {
	cat, err := mistakes.All()
	require.NoError(t, err)
	_, err = lessonyaml.LoadWithCatalog(lessons.Embedded(), checks.Default(), cat)
	require.NoError(t, err)
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
	_, err := lessonyaml.Parse("demo.yaml", []byte("id: 9\nid: 10\n"+good[len("id: 9\n"):]), checks.Default())
	require.Error(t, err)
	require.Contains(t, err.Error(), "demo.yaml:2:")
}

// Mutants of a real lesson, loaded with the real kinds and catalogue: each
// fails at load and names the file and line to fix.
func TestMutantsOfARealLessonFailAtLoad(t *testing.T) {
	orig, err := fs.ReadFile(lessons.Embedded(), "02-veth.yaml")
	require.NoError(t, err)
	cat, err := mistakes.All()
	require.NoError(t, err)
	src := string(orig)
	lineOf := func(s, sub string) int { return 1 + strings.Count(s[:strings.Index(s, sub)], "\n") }
	cases := []struct {
		name, from, to string
		at             string // the mutant's line that the error must name
		want           string
	}{
		{"unknown field", "  - title: Bring both ends up\n", "  - title: Bring both ends up\n    colour: red\n", "    colour: red", `unknown field "colour"`},
		{"wrong-typed field", "        oper: true\n", "        oper: of course\n", "        oper: of course", "cannot unmarshal !!str `of course` into bool"},
		{"when: naming no mistake", "        when: wrong-peer\n", "        when: wrong-peeer\n", "        when: wrong-peeer", `hint is for mistake "wrong-peeer", which no check of this step reports`},
		{"catalogued mistake with no hint", "        when: veth-not-moved\n", "", "      - \"`ip link set veth0 netns ns0`", "step 3 has no hint for the catalogued mistake veth-not-moved"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, src, tc.from)
			mutant := strings.Replace(src, tc.from, tc.to, 1)
			line := lineOf(mutant, tc.at)
			fsys := fstest.MapFS{"02-veth.yaml": {Data: []byte(mutant)}}
			_, err := lessonyaml.LoadWithCatalog(fsys, checks.Default(), cat)
			require.Error(t, err)
			require.Contains(t, err.Error(), fmt.Sprintf("lessons/02-veth.yaml:%d: ", line))
			require.Contains(t, err.Error(), tc.want)
		})
	}
	// The unmutated lesson loads the same way.
	_, err = lessonyaml.LoadWithCatalog(fstest.MapFS{"02-veth.yaml": {Data: orig}}, checks.Default(), cat)
	require.NoError(t, err)
}
