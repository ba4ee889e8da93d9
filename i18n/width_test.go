package i18n

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/internal/golit"
)

// newCond is runewidth measuring as netlab does (see width.go): East
// Asian ambiguous characters narrow, whatever the locale.
func newCond() *runewidth.Condition {
	c := runewidth.NewCondition()
	c.EastAsianWidth = false
	return c
}

// widthTable renders width_table.go: every run of runes that runewidth
// measures as zero or two columns wide.
func widthTable(t *testing.T) []byte {
	c := newCond()
	var b bytes.Buffer
	b.WriteString("// Code generated from github.com/mattn/go-runewidth by `go generate ./i18n`; DO NOT EDIT.\n\n")
	b.WriteString("package i18n\n\n")
	b.WriteString("// widthRanges are the runes that take no column or two, in order; every\n// other rune takes one (see width.go).\n")
	b.WriteString("var widthRanges = [...]widthRange{\n")
	n := 0
	for r := rune(0); r <= utf8.MaxRune; {
		w := c.RuneWidth(r)
		end := r
		for end+1 <= utf8.MaxRune && c.RuneWidth(end+1) == w {
			end++
		}
		if w != 1 {
			fmt.Fprintf(&b, "\t{%#x, %#x, %d},\n", r, end, w)
			n++
		}
		r = end + 1
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	require.NoError(t, err)
	require.Greater(t, n, 100, "runewidth knows the wide and the combining runes")
	return src
}

// TestWidthTable: width_table.go is runewidth's measure of every rune,
// and netlab's widths of every message of its catalogue, and of text
// that mixes scripts, control characters and combining marks, are
// runewidth's.
func TestWidthTable(t *testing.T) {
	if !golit.Generated(t, "width_table.go", widthTable(t), *update, "go generate ./i18n") {
		return
	}
	c := newCond()
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if RuneWidth(r) != c.RuneWidth(r) {
			t.Fatalf("RuneWidth(%U) = %d, runewidth says %d", r, RuneWidth(r), c.RuneWidth(r))
		}
	}
	texts := []string{"", "a", "\x00", "\x1b[1mbold\x1b[0m", "tab\there", "\x7f", "\xff", "\xe4\xbd", "e\u0301", "网\u0301络",
		"veth0 对 ns1", "┌─┐│└┘", "·“”", "✓ 通过", "✗ 失败", "（默认路由）", "ｆｕｌｌ", "한국어", "日本語テキスト"}
	for _, lang := range []Lang{EN, ZH} {
		for _, m := range compiledCatalogue[lang] {
			texts = append(texts, m.One, m.Other)
		}
	}
	for _, s := range texts {
		require.Equal(t, c.StringWidth(s), Width(s), "%q", s)
		for w := 0; w <= c.StringWidth(s)+1; w += 1 + w/8 {
			require.Equal(t, c.Truncate(s, w, "…"), Truncate(s, w, "…"), "Truncate(%q, %d)", s, w)
		}
	}
}

func TestWidth(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"veth0", 5},
		{"网桥", 4},
		{"veth 对", 7},
		{"，。：", 6},
		{"┌─┐│└┘", 6},
		{"·“”", 3},
		{"✓ 通过", 6},
	} {
		require.Equal(t, c.want, Width(c.s), c.s)
	}
}

// Under a zh_* locale runewidth widens ambiguous characters (box drawing);
// netlab's condition must not, or every box drawn for a Chinese learner
// would be ragged.
func TestWidthIgnoresLocaleAmbiguity(t *testing.T) {
	old := runewidth.EastAsianWidth
	runewidth.EastAsianWidth = true // what runewidth sets under LANG=zh_CN.UTF-8
	defer func() { runewidth.EastAsianWidth = old }()
	require.Equal(t, 1, newCond().StringWidth("─"))
	require.Equal(t, 1, Width("─"))
	require.Equal(t, 2, Width("网"))
}

func TestPad(t *testing.T) {
	rows := [][2]string{{"网络命名空间", "netns"}, {"veth 对", "veth"}, {"bridge", "网桥"}}
	var lines []string
	for _, r := range rows {
		lines = append(lines, PadRight(r[0], 14)+"│"+PadLeft(r[1], 8)+"│")
	}
	for _, l := range lines {
		require.Equal(t, 14+1+8+1, Width(l), l)
		require.Equal(t, 14, Width(l[:strings.Index(l, "│")]), "the first column lines up: %q", l)
	}
	require.Equal(t, "网络命名空间", PadRight("网络命名空间", 4), "never cut by padding")
	require.Equal(t, "网络…", Truncate("网络命名空间", 5, "…"))
	require.Equal(t, "网…", Truncate("网络命名空间", 4, "…"), "a wide character is never split")
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    string
		width int
		want  string
	}{
		{
			name: "english words kept whole", width: 20,
			in:   "A veth pair is a virtual cable with two ends.",
			want: "A veth pair is a\nvirtual cable with\ntwo ends.\n",
		},
		{
			name: "chinese breaks anywhere, two columns each", width: 10,
			in:   "新建的命名空间里只有回环接口",
			want: "新建的命名\n空间里只有\n回环接口\n",
		},
		{
			name: "closing punctuation never starts a line", width: 12,
			in:   "网络命名空间，是隔离的",
			want: "网络命名空\n间，是隔离的\n",
		},
		{
			name: "opening punctuation never ends a line", width: 10,
			in:   "看一看路由（默认路由）",
			want: "看一看路由\n（默认路\n由）\n",
		},
		{
			name: "mixed text keeps its spaces", width: 16,
			in:   "用 ip netns add 创建 ns0 和 ns1",
			want: "用 ip netns add\n创建 ns0 和 ns1\n",
		},
		{
			name: "a line break inside chinese is no space", width: 40,
			in:   "新建的命名空间\n里只有回环接口 lo\nand more",
			want: "新建的命名空间里只有回环接口 lo and more\n",
		},
		{
			name: "code lines and paragraphs kept", width: 12,
			in:   "先创建两个命名空间：\n\n    ip netns add ns0 && ip netns add ns1\n\n然后查看。",
			want: "先创建两个命\n名空间：\n\n    ip netns add ns0 && ip netns add ns1\n\n然后查看。\n",
		},
		{
			name: "a word wider than a line is cut", width: 10,
			in:   "abcdefghijklmno xy",
			want: "abcdefghij\nklmno xy\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Wrap(c.in, c.width)
			require.Equal(t, c.want, got)
			for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if !strings.HasPrefix(l, "    ") {
					require.LessOrEqual(t, Width(l), c.width, l)
				}
			}
		})
	}
}
