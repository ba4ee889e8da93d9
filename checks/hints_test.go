package checks_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
)

// Every mistake the diagnosis reports for a catalogued state has a hint
// written for it (`when: <id>`) in the step that fails, so that `netlab
// hint` shows the matching hint first.
func TestEveryCatalogMistakeHasAHint(t *testing.T) {
	all, err := mistakes.Catalog()
	require.NoError(t, err)
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	var missing []string
	for _, m := range all {
		l, err := lessons.Find(ls, m.Lesson)
		require.NoError(t, err)
		found := false
		for _, h := range l.Steps[m.Step-1].Hints {
			found = found || h.When == m.Want()
		}
		if !found {
			missing = append(missing, m.Lesson+" step "+strconv.Itoa(m.Step)+": when: "+m.Want()+" ("+m.ID+")")
		}
	}
	require.Empty(t, missing, "steps without a hint for a diagnosed mistake")
}
