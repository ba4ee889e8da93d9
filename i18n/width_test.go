package i18n

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/require"
)

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
	c := newCond()
	require.Equal(t, 1, c.StringWidth("─"))
	require.Equal(t, 2, c.StringWidth("网"))
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
