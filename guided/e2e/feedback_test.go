package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// TestGuidedShellHelperIsNoJob (issue 9 item 7, under each shell): the
// grading server is not the learner's job (`jobs` does not list it, `fg`
// cannot pick it, `wait` does not wait for it), both shells use it (item
// 10: zsh does not pay a netlab start-up per prompt), and it ends with
// the shell.
func TestGuidedShellHelperIsNoJob(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	for _, shell := range shells(t) {
		t.Run(filepath.Base(shell), func(t *testing.T) {
			l := lesson(t, "1")
			tm := startTerm(t, shellEnv(t, shell), "lesson", "1")
			tm.Expect(0, prompt, 30*time.Second)

			out := tm.run(`[ -n "$__netlab_d" ] && kill -0 "$__netlab_d" && echo "server=$__netlab_d"`)
			m := regexp.MustCompile(`server=(\d+)`).FindStringSubmatch(out)
			require.NotNil(t, m, "the prompt hook has no running grading server:\n%s", out)
			// The lesson sandbox has a PID namespace of its own: the pid
			// is read there, and its namespace remembered.
			out = tm.run(`tr '\0' ' ' < /proc/` + m[1] + `/cmdline; echo; echo "ns=$(readlink /proc/self/ns/pid)"`)
			require.Contains(t, out, "__tickd")
			pidns := regexp.MustCompile(`ns=(pid:\[\d+\])`).FindStringSubmatch(out)
			require.NotNil(t, pidns, out)

			out = tm.run("jobs; echo jobs-listed")
			require.Contains(t, out, "jobs-listed")
			require.NotContains(t, out, "tickd", "jobs lists netlab's helper")
			out = tm.run("fg")
			require.NotContains(t, out, "tickd", "fg picked netlab's helper")
			// `wait` returns once the learner's own job is done.
			out = tm.runWithin("true & wait; echo waited", 20*time.Second)
			require.Contains(t, out, "waited")

			// The server still grades after all that.
			out = tm.run("ip netns add ns0")
			require.Contains(t, out, guided.CompletionLine(l, 1))
			require.Contains(t, out, "[netlab netns 2/3] # ")

			off := tm.Len()
			tm.Send("exit")
			tm.Expect(off, "Left lesson 1", 30*time.Second)
			require.NoError(t, tm.Wait(30*time.Second))
			require.Eventually(t, func() bool {
				ents, _ := os.ReadDir("/proc")
				for _, e := range ents {
					if l, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && l == pidns[1] {
						return false
					}
				}
				return true
			}, 10*time.Second, 10*time.Millisecond, "the grading server (or anything of the sandbox) outlived the shell")
		})
	}
}

// TestGuidedShellFeedback (issue 9 items 5, 6, 8, under each shell).
func TestGuidedShellFeedback(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	for _, shell := range shells(t) {
		t.Run(filepath.Base(shell), func(t *testing.T) {
			t.Run("unseen-text", func(t *testing.T) {
				// Lesson 1 step 3 passes with step 2's command: its text
				// (what the learner should read) is shown with its mark.
				l := lesson(t, "1")
				tm := startTerm(t, shellEnv(t, shell), "lesson", "1")
				tm.Expect(0, prompt, 30*time.Second)
				tm.run("ip netns add ns0")
				out := tm.run("ip -n ns0 link set lo up")
				require.Contains(t, out, guided.CompletionLine(l, 2))
				require.Contains(t, out, guided.CompletionLine(l, 3))
				first := strings.TrimSpace(strings.SplitN(strings.TrimSpace(l.Steps[2].Text), "\n", 2)[0])
				i3 := strings.Index(out, guided.CompletionLine(l, 3))
				require.Contains(t, out[i3:], first, "step 3's text was never shown")
				first2 := strings.TrimSpace(strings.SplitN(strings.TrimSpace(l.Steps[1].Text), "\n", 2)[0])
				require.NotContains(t, out, first2, "step 2's text was shown before; not again")
			})
			t.Run("why-and-regression", func(t *testing.T) {
				l := lesson(t, "2")
				n := strconv.Itoa(len(l.Steps))
				tm := startTerm(t, shellEnv(t, shell), "lesson", "2")
				tm.Expect(0, prompt, 30*time.Second)

				// Item 8: a command that changes the state but leaves the
				// step failing gets its why, once.
				out := tm.run("ip netns add ns0")
				require.NotContains(t, out, "✓ step")
				// (zsh's PROMPT_SP may leave its mark and a carriage return first.)
				require.Regexp(t, `(?m)(^|\r) +why: \S`, out, "no feedback for a command that changed the failing step")
				out = tm.run("true")
				require.NotContains(t, out, "why:", "an unchanged why is repeated")

				// Item 5: with steps 1-4 done, lo down in ns0 breaks step 1
				// only; steps 2-4 still pass and are not announced.
				out = tm.run("netlab solve --step 4")
				require.Contains(t, tm.Since(0), guided.CompletionLine(l, 4))
				out = tm.run("ip -n ns0 link set lo down")
				require.Contains(t, out, "✗ step 1/"+n+" no longer passes: "+l.Steps[0].Title)
				for k := 2; k <= 4; k++ {
					require.NotContains(t, out, "step "+strconv.Itoa(k)+"/"+n+" no longer passes")
				}
				require.Regexp(t, `✗ step 1/`+n+` no longer passes: .*\r?\n +why: \S.*lo`, out)
				require.Contains(t, out, "[netlab veth 1/"+n+"] # ")
				require.Contains(t, tm.run("netlab check"), "✓", "check agrees that later steps pass")
				t.Log("transcript:\n" + tm.Since(0))
			})
		})
	}
}

// TestGuidedShellReflowsWhys (issue 9 item 12): on a narrow terminal a
// long why is folded to its width, under each shell.
func TestGuidedShellReflowsWhys(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	const cols = 50
	for _, shell := range shells(t) {
		t.Run(filepath.Base(shell), func(t *testing.T) {
			tm := startTermCols(t, shellEnv(t, shell), cols, "lesson", "2")
			tm.Expect(0, prompt, 30*time.Second)
			out := tm.run("ip netns add ns0")
			i := strings.Index(out, "why: ")
			require.GreaterOrEqual(t, i, 0, out)
			why := out[i:strings.LastIndex(out, "\n")]
			lines := strings.Split(why, "\n")
			require.Greater(t, len(lines), 1, "a long why on one line:\n%s", why)
			for _, ln := range lines {
				ln = strings.TrimRight(ln, "\r")
				require.LessOrEqual(t, utf8.RuneCountInString(ln), cols, "%q is wider than the terminal", ln)
			}
		})
	}
}

// TestKilledLessonLeavesNoSession (issue 8): a `netlab lesson` killed
// with SIGKILL cannot remove its session directory; the next netlab that
// starts a shell does.
func TestKilledLessonLeavesNoSession(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	tmp := t.TempDir()
	env := append(testEnv(t), "TMPDIR="+tmp)
	tm := startTerm(t, env, "lesson", "1")
	tm.Expect(0, prompt, 30*time.Second)
	out := tm.run(`echo "session=$NETLAB_SESSION"`)
	m := regexp.MustCompile(`session=(/\S+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	sess := m[1]
	require.Equal(t, tmp, filepath.Dir(sess))
	require.NoError(t, tm.Process().Kill())
	_ = tm.Wait(30 * time.Second)
	require.DirExists(t, sess, "SIGKILL runs no cleanup")

	tm2 := startTerm(t, env, "lesson", "1")
	tm2.Expect(0, prompt, 30*time.Second)
	require.NoDirExists(t, sess, "the dead lesson's session was not cleaned")
	out = tm2.run(`echo "session=$NETLAB_SESSION"`)
	require.NotContains(t, out, sess)
	require.DirExists(t, regexp.MustCompile(`session=(/\S+)`).FindStringSubmatch(out)[1], "the live session stays")
}
