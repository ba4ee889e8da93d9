package lazy

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValueMadeOnceOnFirstGet(t *testing.T) {
	var v Value[*int]
	calls := 0
	mk := func() *int { calls++; n := 42; return &n }
	require.Zero(t, calls, "nothing is made before Get")
	var wg sync.WaitGroup
	got := make([]*int, 8)
	for i := range got {
		wg.Go(func() { got[i] = v.Get(mk) })
	}
	wg.Wait()
	require.Equal(t, 1, calls)
	for _, p := range got {
		require.Same(t, got[0], p)
	}
	require.Equal(t, 42, *got[0])
}

func TestValuePanicRaisedAgain(t *testing.T) {
	var v Value[int]
	calls := 0
	mk := func() int { calls++; panic("bad declaration") }
	require.PanicsWithValue(t, "bad declaration", func() { v.Get(mk) })
	require.PanicsWithValue(t, "bad declaration", func() { v.Get(mk) })
	require.Equal(t, 1, calls)
}

func TestValuesKeepsError(t *testing.T) {
	var v Values[string]
	calls := 0
	boom := errors.New("boom")
	mk := func() (string, error) { calls++; return "x", boom }
	for range 2 {
		s, err := v.Get(mk)
		require.Equal(t, "x", s)
		require.ErrorIs(t, err, boom)
	}
	require.Equal(t, 1, calls)

	var p Values[int]
	require.PanicsWithValue(t, "no", func() { p.Get(func() (int, error) { panic("no") }) })
	require.PanicsWithValue(t, "no", func() { p.Get(func() (int, error) { return 1, nil }) })
}

var pkgLevel Value[[]string]

func TestMadeValueReturnedWithoutAllocating(t *testing.T) {
	require.Equal(t, []string{"a"}, pkgLevel.Get(func() []string { return []string{"a"} }))
	require.Zero(t, testing.AllocsPerRun(10, func() { pkgLevel.Get(nil) }), "a made value is returned without allocating")
}
