package mistakes

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
)

// catalogAndZH: every catalogued entry, pending ones included (a pending
// entry is still shown by docs and hints).
func catalogAndZH(t *testing.T) ([]Mistake, map[string]Text) {
	t.Helper()
	ms, err := All()
	require.NoError(t, err)
	tr, err := Translation(i18n.ZH)
	require.NoError(t, err)
	return ms, tr
}

// TestTranslations: every catalogued mistake has its Chinese title and
// story, and the translation has no entry the catalog lacks.
func TestTranslations(t *testing.T) {
	ms, _ := catalogAndZH(t)
	require.NoError(t, Verify(ms, i18n.ZH))
	require.NoError(t, Verify(ms, i18n.EN))
}

// TestTranslationsKeepCode: commands and names in backticks are the same
// in both languages, entry by entry; and no text stays English.
func TestTranslationsKeepCode(t *testing.T) {
	ms, tr := catalogAndZH(t)
	for _, m := range ms {
		z := tr[m.ID]
		require.Equal(t, i18n.Code(m.Title), i18n.Code(z.Title), "%s: title: the code differs between English and Chinese", m.ID)
		require.Equal(t, i18n.Code(m.Story), i18n.Code(z.Story), "%s: story: the code differs between English and Chinese", m.ID)
		require.True(t, hasHan(z.Title), "%s: title not translated: %q", m.ID, z.Title)
		require.True(t, hasHan(z.Story), "%s: story not translated: %q", m.ID, z.Story)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestLocalize(t *testing.T) {
	ms, tr := catalogAndZH(t)
	en, err := Localize(ms, i18n.EN)
	require.NoError(t, err)
	require.Equal(t, ms, en)

	zh, err := Localize(ms, i18n.ZH)
	require.NoError(t, err)
	require.Len(t, zh, len(ms))
	for i, m := range ms {
		z := zh[i]
		require.Equal(t, tr[m.ID].Title, z.Title)
		require.Equal(t, tr[m.ID].Story, z.Story)
		// Everything that builds and judges the mistake stays as it is.
		m.Title, m.Story = z.Title, z.Story
		require.Equal(t, m, z, m.ID)
	}
	again, err := All()
	require.NoError(t, err)
	require.Equal(t, again, ms, "localizing leaves the English catalog alone")
}

func TestVerifyCatchesDrift(t *testing.T) {
	ms, tr := catalogAndZH(t)
	clone := func() map[string]Text {
		c := map[string]Text{}
		for k, v := range tr {
			c[k] = v
		}
		return c
	}
	for _, c := range []struct {
		name   string
		break_ func(map[string]Text)
		want   string
	}{
		{"entry missing", func(m map[string]Text) { delete(m, "lo-down") }, "mistake lo-down (lesson netns step 2) has no zh translation"},
		{"extra entry", func(m map[string]Text) { m["no-such-mistake"] = Text{Title: "x"} }, "translates no-such-mistake, which is no catalogued mistake"},
		{"no title", func(m map[string]Text) { m["lo-down"] = Text{Story: "x"} }, "lo-down: no title"},
		{"no story", func(m map[string]Text) { m["lo-down"] = Text{Title: "x"} }, "lo-down: the story exists in one language only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := clone()
			require.NoError(t, verify(ms, m, i18n.ZH))
			c.break_(m)
			require.ErrorContains(t, verify(ms, m, i18n.ZH), c.want)
		})
	}
}
