package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
)

// TestEveryShortTranslated: every command a learner sees in --help has
// its one-line help from the catalogue, in both languages.
func TestEveryShortTranslated(t *testing.T) {
	short := map[i18n.Lang]map[string]string{}
	for _, lang := range i18n.Langs {
		a := &App{Lang: lang}
		root := a.rootCommand()
		short[lang] = map[string]string{"netlab": root.Short}
		for _, c := range root.Commands() {
			if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
				continue
			}
			short[lang][c.Name()] = c.Short
		}
	}
	require.Greater(t, len(short[i18n.EN]), 10)
	for name, en := range short[i18n.EN] {
		zh := short[i18n.ZH][name]
		require.NotEmpty(t, en, name)
		require.NotEqual(t, en, zh, "%s: the Short help is not translated", name)
		require.True(t, zhtest.HasHan(zh), "%s: %q", name, zh)
	}
}
