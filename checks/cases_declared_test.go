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

type untaggedParams struct {
	Link string
}

type mapParams struct {
	Links map[string]string `yaml:"links"`
}

// A malformed parameter struct is found when the fields are first read
// (not at start-up), and every later read says so again instead of
// returning a half-read list.
func TestMalformedParamsPanicOnEveryRead(t *testing.T) {
	build := func(p untaggedParams) (checks.Check, error) { return nil, nil }
	k := checks.Define(checks.Spec[untaggedParams]{Name: "untagged-test", Phase: checks.PhaseState, Build: build})
	for range 2 {
		require.PanicsWithValue(t, "checks: kind untagged-test: field Link needs a yaml tag and must be exported", func() { k.Fields() })
	}
	m := checks.Define(checks.Spec[mapParams]{Name: "map-test", Phase: checks.PhaseState, Build: func(mapParams) (checks.Check, error) { return nil, nil }})
	for range 2 {
		require.PanicsWithValue(t, "checks: kind map-test: field links has type map[string]string (string, bool or int)", func() { m.Field("links") })
	}
}

// Wrap passes every check the kind builds through wrap, wrapped kinds
// compose, and the kind itself is left as it was.
func TestWrapComposes(t *testing.T) {
	var order []string
	tag := func(s string) func(checks.Check) checks.Check {
		return func(c checks.Check) checks.Check { order = append(order, s); return c }
	}
	w := checks.AddrKind().Wrap(tag("inner")).Wrap(tag("outer"))
	_, err := w.Build(&struct{}{})
	require.Error(t, err, "a wrong parameter type is still refused")
	require.Empty(t, order, "a failed build is not wrapped")
	p := checks.AddrKind().NewParams()
	require.NoError(t, checks.AddrKind().SetParam(p, "link", "veth0"))
	require.NoError(t, checks.AddrKind().SetParam(p, "addr", "10.0.0.1/24"))
	_, err = w.Build(p)
	require.NoError(t, err)
	require.Equal(t, []string{"inner", "outer"}, order)
	order = nil
	_, err = checks.AddrKind().Build(p)
	require.NoError(t, err)
	require.Empty(t, order, "the kind itself is not wrapped")
}

// Default registers each kind by its own name, defines it on first use
// only, once, and a lazy kind is as duplicate a name as a defined one.
func TestDefaultNames(t *testing.T) {
	reg := checks.Default()
	names := reg.Names()
	require.Len(t, names, 22)
	for _, n := range names {
		k, ok := reg.Get(n)
		require.True(t, ok, n)
		require.Equal(t, n, k.Name)
		again, _ := reg.Get(n)
		require.Same(t, k, again, "%s is defined once", n)
	}
	_, ok := reg.Get("nope")
	require.False(t, ok)
	require.Panics(t, func() { reg.Add(checks.AddrKind()) }, "addr is registered already")
	reg.Replace(checks.AddrKind().Wrap(func(c checks.Check) checks.Check { return c }))
	k, _ := reg.Get("addr")
	require.NotSame(t, checks.AddrKind(), k, "Replace takes the place of the lazy kind")
	require.Len(t, reg.Names(), 22)
}
