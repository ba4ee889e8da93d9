package runner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/mistakes"
	"github.com/netlab/netlab/runner"
)

// unconvertedWhys are the catalogued mistakes whose diagnosing why is not
// yet given as catalogue messages, so a Chinese report shows it in
// English. The list may only shrink: TestLessonMistakes fails when an
// entry here is said in Chinese (remove it), and when an entry not here
// is not (convert its why, see checks.Result.Say).
var unconvertedWhys = map[string]bool{}

// requireWhyInBothLanguages: the why that diagnoses m is said in English
// (exactly the check's Why) and in Chinese, unless m is listed above.
func requireWhyInBothLanguages(t *testing.T, m mistakes.Mistake, hit *runner.CheckReport) {
	t.Helper()
	zh, ok := runner.SayWhy(i18n.ZH, hit.Why, hit.WhyMsg)
	if unconvertedWhys[m.ID] {
		require.False(t, ok, "the why of %s is said in Chinese now (%q): remove it from unconvertedWhys", m.ID, zh)
		return
	}
	require.True(t, ok, "the why of %s has no Chinese (give it as messages with Result.Say, or list it in unconvertedWhys): %q", m.ID, hit.Why)
	en, ok := runner.SayWhy(i18n.EN, hit.Why, hit.WhyMsg)
	require.True(t, ok)
	require.Equal(t, hit.Why, en)
	require.True(t, zhtest.HasHan(zh), "%s: %q", m.ID, zh)
	require.Equal(t, i18n.Code(hit.Why), i18n.Code(zh), "%s: the quoted commands differ", m.ID)
	t.Logf("%s\n  en: %s\n  zh: %s", m.ID, hit.Why, zh)
}
