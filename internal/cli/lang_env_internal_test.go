package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
)

// TestShellEnvCarriesLang: the shells netlab starts carry the run's
// language, so that the netlab processes inside speak it whatever the
// locale (i18n.Choose reads NETLAB_LANG as their --lang).
func TestShellEnvCarriesLang(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{
		{"", "NETLAB_LANG=en"},
		{i18n.EN, "NETLAB_LANG=en"},
		{i18n.ZH, "NETLAB_LANG=zh"},
	} {
		a := &App{Lang: c.lang}
		env := a.shellEnv([]string{"PATH=/x"})
		require.Equal(t, []string{"PATH=/x", c.want}, env)
		val := env[1][len(i18n.EnvLang)+1:]
		got, err := i18n.Choose("", func(k string) string {
			if k == i18n.EnvLang {
				return val
			}
			return "en_US.UTF-8"
		})
		require.NoError(t, err)
		require.Equal(t, a.lang(), got, "a child netlab chooses the parent's language")
	}
}
