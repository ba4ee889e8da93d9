package runner

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/mistakes"
)

// Lesson 8's narrowing hints exist for every layer of the method and
// every place a fault can sit, in both languages: Chinese words around
// the same commands (i18n.Code), English in English.
func TestNarrowHintsInBothLanguages(t *testing.T) {
	for _, layer := range mistakes.Layers {
		for _, where := range []string{"ns1", "root"} {
			m := mistakes.Mistake{Where: where, Layer: layer}
			en, zh := narrowHints(i18n.For(i18n.EN), m), narrowHints(i18n.For(i18n.ZH), m)
			require.Len(t, zh, 2)
			for i := range zh {
				require.NotEmpty(t, en[i].Text, "%s %s", layer, where)
				require.False(t, zhtest.HasHan(en[i].Text), en[i].Text)
				require.True(t, zhtest.HasHan(zh[i].Text), "%s %s: %q", layer, where, zh[i].Text)
				require.Equal(t, i18n.Code(en[i].Text), i18n.Code(zh[i].Text), "the commands of a hint are the same in both languages")
			}
			if where == "ns1" {
				require.Contains(t, zh[0].Text, "`ip -n ns1 route`")
			}
		}
	}
}

// A round's title names its base lesson in the report's language.
func TestRoundTitleInChinese(t *testing.T) {
	ls := []*lessons.Lesson{{ID: 3, Slug: "bridge"}}
	require.Equal(t, "第 1 轮（第 3 课，bridge）", roundTitle(i18n.For(i18n.ZH), "第 1 轮", "bridge", ls))
	require.Equal(t, "Round 1 (lesson 3, bridge)", roundTitle(i18n.For(i18n.EN), "Round 1", "bridge", ls))
}
