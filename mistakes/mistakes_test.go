package mistakes_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
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

// uncatalogued are the ids that kinds report and no catalogue entry builds
// yet. Cataloguing one needs a hint `when: <id>` in the step of a lesson
// that shows it (the loader demands it), and lesson hints were out of
// reach of the change that made this list; checks/uncatalogued_test.go
// already builds arp-off, no-link and policy-drop for real. The list may
// only shrink.
var uncatalogued = []string{
	"arp-off", "bridge-missing", "fdb-wrong-port", "link-missing", "masq-wrong-src", "neigh-failed", "no-carrier",
	"no-link", "not-local", "peer-unnamed-ns", "policy-drop", "route-missing", "rp-filter",
}

// Every mistake id a kind can report is catalogued (built by an entry), or
// is what the kind says when it cannot tell why (checks.Spec.Unexplained),
// or is one of the known gaps above.
func TestEveryReportedMistakeIsCatalogued(t *testing.T) {
	all, err := mistakes.All()
	require.NoError(t, err)
	built := map[string]bool{}
	for _, m := range all {
		built[m.Want()] = true
	}
	reg := checks.Default()
	var missing []string
	for id, kinds := range reg.Mistakes() {
		unexplained := false
		for _, n := range kinds {
			k, _ := reg.Get(n)
			unexplained = unexplained || k.Unexplains(id)
		}
		switch {
		case built[id] || unexplained:
			require.NotContains(t, uncatalogued, id, "%s is catalogued now: remove it from the list of gaps", id)
		case !slices.Contains(uncatalogued, id):
			missing = append(missing, fmt.Sprintf("%s (reported by %s)", id, strings.Join(kinds, ", ")))
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "mistake ids that no entry of %s builds", mistakes.File)
	for _, id := range uncatalogued {
		require.Contains(t, reg.Mistakes(), id, "%s is no longer reported by any kind: remove it from the list", id)
	}
}
