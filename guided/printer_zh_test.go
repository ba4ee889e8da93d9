package guided

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// TestPrinterInChinese: every line the guided printer says is in the
// Printer's language; the why's continuation lines line up under the
// Chinese label, which is wider than "why:".
func TestPrinterInChinese(t *testing.T) {
	l1, l2 := testLesson(1, 3), testLesson(2, 2)
	for _, c := range []struct {
		name string
		do   func(p Printer)
		want string
	}{
		{"completed and next", func(p Printer) { p.Print(l1, Change{From: 0, To: 2}) },
			"✓ 第 1/3 步完成：step A\n✓ 第 2/3 步完成：step B\n→ 下一步，第 3/3 步：step C\n"},
		{"streamed completion", func(p Printer) { p.Completed(l1, 2) }, "✓ 第 2/3 步完成：step B\n"},
		{"regressed", func(p Printer) {
			p.Print(l1, Change{From: 2, To: 0, Regressed: true, Broken: []int{1}, Failing: &runner.StepReport{Checks: []runner.CheckReport{
				{Status: checks.Fail, Why: "命名空间 ns0 不存在"}}}})
		}, "✗ 第 1/3 步不再通过：step A\n    原因： 命名空间 ns0 不存在\n→ 下一步，第 1/3 步：step A\n"},
		{"current", func(p Printer) { p.Current(l1, 1) }, "→ 第 2/3 步：step B\n"},
		{"one done already", func(p Printer) { p.AlreadyDone(l1, 1) }, "✓ 第 1/3 步已经通过：step A\n"},
		{"done already", func(p Printer) { p.AlreadyDone(l1, 2) }, "✓ 共 3 步中的第 1-2 步已经通过（step A ... step B）\n"},
		{"complete, next lesson", func(p Printer) { p.Print(l1, Change{From: 2, To: 3}) },
			"✓ 第 3/3 步完成：step C\n★ 第 1 课（l1）完成：全部 3 步都通过了。\n  下一课：netlab lesson 2（l2：T）\n"},
		{"last lesson", func(p Printer) { p.Print(l2, Change{From: 1, To: 2}) },
			"✓ 第 2/2 步完成：step B\n★ 第 2 课（l2）完成：全部 2 步都通过了。\n  这是最后一课了，做得好。\n"},
		{"unseen", func(p Printer) { p.Verbose = true; p.Unseen(l1, 2) }, "  （这一步在你做到之前就已经通过了；它讲的是：）\n  do B\n\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			c.do(Printer{Out: &b, Lessons: []*lessons.Lesson{l1, l2}, Lang: i18n.ZH})
			require.Equal(t, c.want, b.String())
		})
	}
	require.Equal(t, "✓ 第 2/3 步完成：step B", CompletionLineIn(i18n.ZH, l1, 2))
	require.Equal(t, "✓ step 2/3 done: step B", CompletionLine(l1, 2))

	// A long why wraps, and its second line starts under the first
	// character after the label "    原因： " (4 + 6 + 1 = 11 columns).
	var b bytes.Buffer
	Printer{Out: &b, Width: 40, Lang: i18n.ZH}.Why("ns0 里的 lo 是 down 的，所以连 127.0.0.1 都不可达：先用 ip -n ns0 link set lo up 启用它。")
	lines := bytes.Split(bytes.TrimRight(b.Bytes(), "\n"), []byte("\n"))
	require.Greater(t, len(lines), 1, b.String())
	for i, ln := range lines {
		require.LessOrEqual(t, i18n.Width(string(ln)), 40, "%q", ln)
		if i > 0 {
			require.Equal(t, "           ", string(ln[:11]), "%q", ln)
			require.NotEqual(t, byte(' '), ln[11], "%q", ln)
		}
	}
}
