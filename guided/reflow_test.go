package guided

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
)

func TestReflow(t *testing.T) {
	why := "ns0 has no route to 10.0.0.2: veth0 in ns0 has no address in 10.0.0.0/24, so the kernel does not know which link leads there"
	got := Reflow("    why: ", "         ", why, 40)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	require.Greater(t, len(lines), 2)
	require.True(t, strings.HasPrefix(lines[0], "    why: ns0 has no"))
	for _, ln := range lines {
		require.LessOrEqual(t, i18n.Width(ln), 40, "%q", ln)
	}
	for _, ln := range lines[1:] {
		require.True(t, strings.HasPrefix(ln, "         ") && ln[9] != ' ', "%q", ln)
	}
	// Nothing lost, nothing added.
	require.Equal(t, why, strings.Join(strings.Fields(got)[1:], " "))

	// Wide terminal: one line.
	require.Equal(t, "    why: "+why+"\n", Reflow("    why: ", "         ", why, 400))

	// Chinese: breaks between characters, each two columns wide.
	zh := "ns0 里的 lo 是关闭的：新建的网络命名空间里 lo 总是关闭的，没有人替你打开它，所以连 127.0.0.1 都无法访问"
	got = Reflow("why: ", "     ", zh, 30)
	for _, ln := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		require.LessOrEqual(t, i18n.Width(ln), 30, "%q", ln)
	}
	require.Equal(t, strings.Join(strings.Fields(zh), ""), strings.Join(strings.Fields(strings.TrimPrefix(got, "why: ")), ""))

	// Chinese line-break rules: closing punctuation never starts a
	// line, at any width.
	for w := 26; w <= 60; w++ {
		for _, ln := range strings.Split(strings.TrimSuffix(Reflow("    原因： ", "           ", zh, w), "\n"), "\n")[1:] {
			require.False(t, strings.HasPrefix(strings.TrimLeft(ln, " "), "，"), "width %d: %q", w, ln)
			require.False(t, strings.HasPrefix(strings.TrimLeft(ln, " "), "："), "width %d: %q", w, ln)
			require.Equal(t, "           ", ln[:11], "width %d: %q", w, ln)
		}
	}

	// A word longer than a line is cut, not overflowing.
	long := strings.Repeat("x", 70)
	for _, ln := range strings.Split(strings.TrimSuffix(Reflow("", "", long, 30), "\n"), "\n") {
		require.LessOrEqual(t, len(ln), 30)
	}
}

// A why quotes kernel names; an escape sequence in one must not reach the
// terminal raw.
func TestWhyEscapesKernelNames(t *testing.T) {
	var b strings.Builder
	Printer{Out: &b, Width: 80}.Why("namespace \x1b]0;owned\x07evil has no lo")
	require.NotContains(t, b.String(), "\x1b")
	require.Contains(t, b.String(), `\x1b]0;owned\aevil`)
}
