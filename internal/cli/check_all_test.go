package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// `check --all` closes with one summary line for the whole course.
func TestCheckAllSummaryLine(t *testing.T) {
	a, out, _ := fakeApp(t)
	require.Equal(t, ExitUsage, a.Run([]string{"check", "--all"}))
	require.Contains(t, out.String(), "\n0/2 lessons pass (2/4 steps); not yet: 1 netns (step 3), 9 demo (step 1).\n")
}
