package checks_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/runner"
)

// TestNATWhyVariants: the whys of lessons bridge and iptables that no
// catalogued mistake reaches (TestLessonMistakes renders the others) say
// the English why exactly in English, and Chinese in Chinese.
func TestNATWhyVariants(t *testing.T) {
	for _, v := range checks.NATWhyVariants() {
		t.Run(v.Name, func(t *testing.T) {
			require.NotNil(t, v.Result)
			require.Equal(t, v.Mistake, v.Result.Mistake)
			require.Contains(t, v.Result.Why, v.Phrase)
			requireSaid(t, v.Name, v.Result.Why, v.Result.WhyMsg)
			zh, _ := runner.SayWhy(i18n.ZH, v.Result.Why, v.Result.WhyMsg)
			t.Logf("\n  en: %s\n  zh: %s", v.Result.Why, zh)
		})
	}
}
