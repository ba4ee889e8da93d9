package doctor

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
)

// Doctor names only lessons that exist ("the vlan lesson" did not).
func TestOptionalReasonsNameRealLessons(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	slugs := map[string]bool{}
	for _, l := range ls {
		slugs[l.Slug] = true
	}
	re := regexp.MustCompile(`the (\w+) lesson`)
	named := 0
	for _, try := range TryNames {
		_, _, id := tryMsgs(try)
		if id == "" {
			continue
		}
		why := i18n.For(i18n.EN).T(id, nil)
		named += len(re.FindAllString(why, -1))
		for _, m := range re.FindAllStringSubmatch(why, -1) {
			if m[1] == "vxlan" {
				continue // SPEC lesson 6, announced before it is written
			}
			require.True(t, slugs[m[1]], "%s: %q names lesson %q, which does not exist", try, why, m[1])
		}
	}
	require.NotZero(t, named, "the reasons are read as the learner sees them, in English")
}
