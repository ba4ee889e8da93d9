package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// TestGuidedTroubleshoot: `netlab lesson 8` builds round 1 before the
// prompt, and a repair typed in the shell (here `netlab solve`, which
// repairs the current round) is graded by the shell's tick through the
// same runner path as `check 8`: step 1 is reported done, and the prompt
// moves to round 2, never naming the fault in the check that follows.
func TestGuidedTroubleshoot(t *testing.T) {
	netlabBin(t)
	if sandboxtest.Run(t) {
		return
	}
	l := lesson(t, "troubleshoot")
	n := strconv.Itoa(len(l.Steps))
	tm := startTerm(t, testEnv(t), "lesson", strconv.Itoa(l.ID))
	tm.Expect(0, prompt, 120*time.Second)
	start := tm.Since(0)
	require.Contains(t, start, "netlab: building a network and breaking it for you to repair")
	require.Contains(t, start, "[netlab "+l.Slug+" 1/"+n+"] # ")
	require.NotContains(t, start, guided.CompletionLine(l, 1))

	out := tm.runWithin("netlab check", 60*time.Second)
	require.Contains(t, out, "✗ 1.")
	require.NotContains(t, out, "the fault was")

	out = tm.runWithin("netlab solve", 120*time.Second)
	require.Contains(t, out, "the fault was")
	require.Contains(t, out, guided.CompletionLine(l, 1))
	require.NotContains(t, out, guided.CompletionLine(l, 2))
	require.True(t, strings.Contains(tm.Since(0), "[netlab "+l.Slug+" 2/"+n+"] # "), tm.Since(0))

	off := tm.Len()
	tm.Send("exit")
	tm.Expect(off, "Left lesson "+strconv.Itoa(l.ID), 30*time.Second)
	require.NoError(t, tm.Wait(30*time.Second))
	t.Log("transcript:\n" + tm.Since(0))
}
