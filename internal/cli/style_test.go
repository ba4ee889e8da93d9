package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
)

// lessonOnTerminal runs `netlab lesson 1` with stdout on a terminal (and
// stdin not one, so that it prints the lesson) and returns what the
// terminal showed.
func lessonOnTerminal(t *testing.T, args ...string) string {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	defer ptmx.Close()
	a, _, errb := fakeApp(t)
	a.Stdout, a.Stdin = tty, strings.NewReader("")
	code := a.Run(append([]string{"lesson", "1"}, args...))
	tty.Close()
	require.Equal(t, ExitOK, code, errb.String())
	var b bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&b, ptmx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal did not drain")
	}
	return b.String()
}

func TestColourOnlyOnATerminalAndWhenAllowed(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	out := lessonOnTerminal(t)
	require.Contains(t, out, "Lesson 1 netns")
	require.Contains(t, out, "\x1b[", "a terminal gets coloured headings and marks")

	require.NotContains(t, lessonOnTerminal(t, "--no-color"), "\x1b[")
	t.Setenv("NO_COLOR", "1")
	require.NotContains(t, lessonOnTerminal(t), "\x1b[")
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	require.NotContains(t, lessonOnTerminal(t), "\x1b[")

	// Not a terminal: the very same bytes as ever.
	t.Setenv("TERM", "xterm-256color")
	a, out2, _ := fakeApp(t)
	a.Stdin = strings.NewReader("")
	require.Equal(t, ExitOK, a.Run([]string{"lesson", "1"}))
	require.NotContains(t, out2.String(), "\x1b[")
}
