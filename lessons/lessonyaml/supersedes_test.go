package lessonyaml_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

const earlier = `id: 1
slug: first
title: First
steps:
  - title: One
    text: Do it.
    hints: [just do it]
    solution: ip netns add x
    checks:
      - kind: netns
        ns: x
`

func laterWith(sup string) string {
	return `id: 2
slug: second
title: Second
supersedes:
` + sup + `steps:
  - title: One
    text: Do it.
    hints: [just do it]
    solution: ip netns add y
    checks:
      - kind: netns
        ns: y
`
}

// A supersedes entry must name an earlier lesson's existing step and
// checks, a step of its own, and say why.
func TestSupersedesValidated(t *testing.T) {
	ok := "  - {lesson: first, step: 1, checks: [1], when: 1, because: on purpose}\n"
	load := func(later string) error {
		_, err := lessonyaml.Load(fstest.MapFS{
			"01.yaml": {Data: []byte(earlier)},
			"02.yaml": {Data: []byte(later)},
		}, checks.Default())
		return err
	}
	require.NoError(t, load(laterWith(ok)))
	for want, sup := range map[string]string{
		"no lesson's slug":        strings.Replace(ok, "first", "nope", 1),
		"has no step 2":           strings.Replace(ok, "step: 1", "step: 2", 1),
		"has no check 3":          strings.Replace(ok, "[1]", "[3]", 1),
		"this lesson has no step": strings.Replace(ok, "when: 1", "when: 5", 1),
		"name the superseded":     strings.Replace(ok, "[1]", "[]", 1),
		"say why":                 strings.Replace(ok, "because: on purpose", "because: ''", 1),
		"cannot supersede itself": strings.Replace(ok, "first", "second", 1),
	} {
		err := load(laterWith(sup))
		require.Error(t, err, want)
		require.Contains(t, err.Error(), want)
	}
}
