package mistakes_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
)

func TestCatalogLoadsAndNamesRealSteps(t *testing.T) {
	all, err := mistakes.All()
	require.NoError(t, err)
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	for _, m := range all {
		l, err := lessons.Find(ls, m.Lesson)
		require.NoError(t, err, m.ID)
		require.LessOrEqual(t, m.Step, len(l.Steps), "%s: step %d", m.ID, m.Step)
		require.LessOrEqual(t, m.UpTo, len(l.Steps), "%s: up_to", m.ID)
	}
}

func TestParseIsStrict(t *testing.T) {
	_, err := mistakes.Parse([]byte("- id: x\n  lesson: netns\n  step: 1\n  title: t\n  brake: ls\n"))
	require.ErrorContains(t, err, "brake")
	_, err = mistakes.Parse([]byte("- id: x\n  lesson: netns\n  step: 1\n  title: t\n"))
	require.ErrorContains(t, err, "break is required")
	_, err = mistakes.Parse([]byte("- {id: x, lesson: netns, step: 1, title: t, break: ls}\n- {id: x, lesson: netns, step: 1, title: t, break: ls}\n"))
	require.ErrorContains(t, err, "duplicate id")
}
