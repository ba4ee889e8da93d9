package i18n

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Lang
		bad  bool
	}{
		{in: "en", want: EN},
		{in: "zh", want: ZH},
		{in: "ZH", want: ZH},
		{in: "zh-CN", want: ZH},
		{in: "zh_CN.UTF-8", want: ZH},
		{in: "en_US", want: EN},
		{in: "fr", bad: true},
		{in: "", bad: true},
		{in: "zhx", bad: true},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := Parse(c.in)
			if c.bad {
				require.ErrorContains(t, err, "unknown language")
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
}

func TestFromEnv(t *testing.T) {
	for _, c := range []struct {
		name string
		env  func(string) string
		want Lang
	}{
		{"nothing set", env(), EN},
		{"LANG zh_CN", env("LANG", "zh_CN.UTF-8"), ZH},
		{"LANG zh_TW", env("LANG", "zh_TW.UTF-8"), ZH},
		{"LANG en", env("LANG", "en_US.UTF-8"), EN},
		{"LANG C", env("LANG", "C.UTF-8"), EN},
		{"LC_MESSAGES over LANG", env("LC_MESSAGES", "zh_CN.UTF-8", "LANG", "en_US.UTF-8"), ZH},
		{"LC_MESSAGES en over LANG zh", env("LC_MESSAGES", "C", "LANG", "zh_CN.UTF-8"), EN},
		{"LC_ALL over all", env("LC_ALL", "zh_CN.UTF-8", "LC_MESSAGES", "en_US", "LANG", "en_US"), ZH},
		{"LC_ALL C over LANG zh", env("LC_ALL", "C", "LANG", "zh_CN.UTF-8"), EN},
		{"empty LC_ALL is unset", env("LC_ALL", "", "LANG", "zh_CN.UTF-8"), ZH},
		{"empty LC_MESSAGES is unset", env("LC_MESSAGES", "", "LANG", "zh_SG"), ZH},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, FromEnv(c.env))
		})
	}
}

func TestChoose(t *testing.T) {
	got, err := Choose("en", env("LANG", "zh_CN.UTF-8"))
	require.NoError(t, err)
	require.Equal(t, EN, got, "--lang wins over LANG")

	got, err = Choose("zh", env("LC_ALL", "C"))
	require.NoError(t, err)
	require.Equal(t, ZH, got, "--lang wins over LC_ALL")

	got, err = Choose("", env("LANG", "zh_CN.UTF-8"))
	require.NoError(t, err)
	require.Equal(t, ZH, got, "no flag: the locale decides")

	_, err = Choose("fr", env("LANG", "zh_CN.UTF-8"))
	require.EqualError(t, err, `不认识的语言 "fr"：netlab 只会 en 和 zh`, "a bad flag is refused in the locale's language")
	_, err = Choose("fr", env())
	require.EqualError(t, err, `unknown language "fr": netlab speaks en and zh`)

	got, err = Choose("", env("NETLAB_LANG", "zh", "LC_ALL", "C"))
	require.NoError(t, err)
	require.Equal(t, ZH, got, "NETLAB_LANG (a lesson shell's language) wins over the locale")

	got, err = Choose("en", env("NETLAB_LANG", "zh"))
	require.NoError(t, err)
	require.Equal(t, EN, got, "--lang wins over NETLAB_LANG")
}
