package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/lessons"
)

func TestWithDefaultLesson(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	for _, tc := range []struct {
		env  string
		args []string
		want []string
	}{
		{"1", []string{"hint"}, []string{"hint", "1"}},
		{"1", []string{"check", "--json"}, []string{"check", "--json", "1"}},
		{"1", []string{"solve", "--step", "2"}, []string{"solve", "--step", "2", "1"}},
		{"1", []string{"solve", "netns"}, []string{"solve", "netns"}},
		{"1", []string{"reset", "--all"}, []string{"reset", "--all"}},
		{"1", []string{"list"}, []string{"list"}},
		{"1", []string{"hint", "--bogus"}, []string{"hint", "--bogus"}},
		{"", []string{"hint"}, []string{"hint"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Setenv(envLesson, tc.env)
			a := &App{Lessons: ls}
			require.Equal(t, tc.want, a.withDefaultLesson(a.rootCommand(), tc.args))
		})
	}
}

func TestIsTerminal(t *testing.T) {
	require.False(t, isTerminal(strings.NewReader("")))
	f, err := os.CreateTemp(t.TempDir(), "x")
	require.NoError(t, err)
	defer f.Close()
	require.False(t, isTerminal(f))
}

func TestAskReadsOneLine(t *testing.T) {
	in := strings.NewReader("n\nip netns add ns0\n")
	var out bytes.Buffer
	a := &App{Stdin: in, Stdout: &out}
	require.False(t, a.ask("replay?", false))
	rest := make([]byte, 100)
	n, _ := in.Read(rest)
	require.Equal(t, "ip netns add ns0\n", string(rest[:n]), "ask must not swallow what follows")
	require.True(t, (&App{Stdin: strings.NewReader("\n"), Stdout: &out}).ask("q", false))
	require.True(t, (&App{Stdin: strings.NewReader(""), Stdout: &out}).ask("q", true))
}

func TestListShowsProgress(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(ls), 2)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	s := progressStore(&bytes.Buffer{})
	require.NoError(t, s.Record(ls[0].Slug, len(ls[0].Steps), len(ls[0].Steps)))
	require.NoError(t, s.Record(ls[1].Slug, 2, len(ls[1].Steps)))
	var out, errb bytes.Buffer
	a := &App{Lessons: ls, Stdout: &out, Stderr: &errb}
	require.Equal(t, ExitOK, a.Run([]string{"list"}))
	require.Contains(t, out.String(), "✓ 1  "+ls[0].Slug)
	require.Contains(t, out.String(), "complete")
	require.Contains(t, out.String(), "2/"+strconv.Itoa(len(ls[1].Steps))+" steps done")
	require.Contains(t, out.String(), "Next: netlab lesson 2 ("+ls[1].Slug+")")

	// A corrupt file: a warning, the lessons still listed, a fresh start.
	require.NoError(t, os.WriteFile(filepath.Join(state, "netlab", "progress.json"), []byte("{"), 0o644))
	out.Reset()
	require.Equal(t, ExitOK, a.Run([]string{"list"}))
	require.Contains(t, errb.String(), "warning: progress file was unreadable")
	require.Contains(t, out.String(), "Next: netlab lesson 1 ")
}

// TestLessonPrintsWhenStdoutIsNoTerminal: `netlab lesson 1 | tail -3`
// must not open a shell whose output vanishes into the pipe.
func TestLessonPrintsWhenStdoutIsNoTerminal(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	ptm, tty, err := pty.Open()
	require.NoError(t, err)
	defer ptm.Close()
	defer tty.Close()
	t.Setenv(envSession, "")
	t.Setenv(envLesson, "")
	var out, errb bytes.Buffer
	// Privileged: without the check on stdout it would start a guided
	// shell (and fail here, as the fake has no kernel to open).
	a := &App{Lessons: ls, Stdin: tty, Stdout: &out, Stderr: &errb, Privileged: func() bool { return false }}
	require.Equal(t, ExitOK, a.Run([]string{"lesson", "1"}), errb.String())
	require.Contains(t, out.String(), "Lesson 1 netns")
	require.Contains(t, out.String(), "Next, step 1")
	require.Contains(t, errb.String(), "the output is not a terminal")
}

// TestLessonInsideAnotherLessonsShell: `netlab lesson 3` in lesson 1's
// shell says that lesson 1 keeps grading and how to switch.
func TestLessonInsideAnotherLessonsShell(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	t.Setenv(envSession, t.TempDir())
	t.Setenv(envLesson, "1")
	var out, errb bytes.Buffer
	a := &App{Lessons: ls, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Privileged: func() bool { return false }}
	require.Equal(t, ExitOK, a.Run([]string{"lesson", "3"}))
	require.Contains(t, errb.String(), "this shell is lesson 1's and keeps grading lesson 1")
	require.Contains(t, errb.String(), "type exit, then netlab lesson 3")
	require.Contains(t, out.String(), "Lesson 3 bridge")

	// The same lesson: just its text, no note.
	errb.Reset()
	require.Equal(t, ExitOK, a.Run([]string{"lesson"}))
	require.NotContains(t, errb.String(), "keeps grading")
}
