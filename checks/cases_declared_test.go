package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// Every case of every kind expects a mistake its kind declares. Define no
// longer checks it (it would build every case at every start); this does.
func TestKindCasesDeclared(t *testing.T) {
	reg := checks.Default()
	for _, name := range reg.Names() {
		k, _ := reg.Get(name)
		require.NoError(t, k.CheckCases(), "kind %s", name)
	}
}

type declaredParams struct {
	Link string `yaml:"link"`
}

// CheckCases fails for a case whose mistake the kind does not declare, and
// the cases are built only when asked for.
func TestCheckCasesRejectsUndeclaredMistake(t *testing.T) {
	built := 0
	spec := checks.Spec[declaredParams]{
		Name:     "declared-test",
		Phase:    checks.PhaseState,
		Build:    func(declaredParams) (checks.Check, error) { return nil, nil },
		Mistakes: []string{"link-missing"},
		Cases: func() []checks.Case[declaredParams] {
			built++
			return []checks.Case[declaredParams]{
				{Name: "good", Fixture: "veth-pair", Break: func(*kerneltest.Fake) {}, Mistake: "link-missing"},
				{Name: "bad", Fixture: "veth-pair", Break: func(*kerneltest.Fake) {}, Mistake: "no-such-mistake"},
			}
		},
	}
	k := checks.Define(spec)
	require.Zero(t, built, "Define built the cases")
	err := k.CheckCases()
	require.ErrorContains(t, err, `case "bad" expects mistake no-such-mistake`)
	require.Len(t, k.Cases(), 2)
	require.Equal(t, 1, built, "the cases are built once")

	spec.Mistakes = append(spec.Mistakes, "no-such-mistake")
	require.NoError(t, checks.Define(spec).CheckCases())
}
