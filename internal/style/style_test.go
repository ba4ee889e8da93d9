package style

import (
	"bytes"
	"os"
	"testing"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEnabled(t *testing.T) {
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	devnull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	t.Cleanup(func() { devnull.Close() })
	cases := []struct {
		name    string
		w       any
		noColor bool
		env     map[string]string
		want    bool
	}{
		{"terminal", tty, false, map[string]string{"TERM": "xterm-256color"}, true},
		{"--no-color", tty, true, map[string]string{"TERM": "xterm"}, false},
		{"NO_COLOR", tty, false, map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, false},
		{"TERM=dumb", tty, false, map[string]string{"TERM": "dumb"}, false},
		{"not a terminal", devnull, false, map[string]string{"TERM": "xterm"}, false},
		{"a buffer", &bytes.Buffer{}, false, map[string]string{"TERM": "xterm"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.w.(interface{ Write([]byte) (int, error) })
			require.Equal(t, c.want, Enabled(w, c.noColor, env(c.env)))
		})
	}
}

func TestWriterOffIsTheSameWriter(t *testing.T) {
	var b bytes.Buffer
	require.Same(t, &b, Writer(&b, false), "no terminal: the text is untouched, byte for byte")
}

func TestPaint(t *testing.T) {
	w := &writer{w: &bytes.Buffer{}}
	var out bytes.Buffer
	w.w = &out
	_, err := w.Write([]byte("Lesson 2 veth: A veth pair  [3/6 steps]\n  ✓ 1. ok\n  ✗ 2. bad\n      ! could not judge\nWhy! not a mark\n→ next"))
	require.NoError(t, err)
	s := out.String()
	require.Contains(t, s, bold.Sprint("Lesson 2 veth: A veth pair  [3/6 steps]")+"\n", "headings bold, the newline outside the colour")
	require.Contains(t, s, "  "+green.Sprint("✓")+" 1. ok")
	require.Contains(t, s, "  "+red.Sprint("✗")+" 2. bad")
	require.Contains(t, s, "      "+yellow.Sprint("!")+" could not judge")
	require.Contains(t, s, "\nWhy! not a mark\n", "an exclamation in a sentence is no mark")
	require.Contains(t, s, bold.Sprint("→")+" next", "a partial line is passed on at once")
	require.Equal(t, "\x1b[32;1m✓\x1b[39;22m", green.Sprint("✓"), "green bold, and only those undone")
	require.Equal(t, "\x1b[1m→\x1b[22m", bold.Sprint("→"))
}
