package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/report"
)

func TestClassroom50FailingGradeExitsZero(t *testing.T) {
	t.Setenv("CLASSROOM", "net101")
	t.Setenv("COMMIT_URL", "https://example.invalid/c")
	a, _, _ := fakeApp(t)
	f := filepath.Join(t.TempDir(), "result.json")
	// demo fails: without the flag that is exit 1, with it the grade is
	// the file's business.
	require.Equal(t, ExitOK, a.Run([]string{"check", "demo", "--classroom50", f}))
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	var c report.Classroom50
	require.NoError(t, json.Unmarshal(b, &c))
	require.Equal(t, report.Classroom50Schema, c.Schema)
	require.Equal(t, "net101", c.Classroom)
	require.Equal(t, "https://example.invalid/c", c.Review)
	require.Equal(t, 0, c.Score)
	require.Equal(t, 4, c.MaxScore)
	require.Len(t, c.Tests, 1)

	a, _, _ = fakeApp(t)
	require.Equal(t, ExitFail, a.Run([]string{"check", "demo"}), "without the flag a failing grade still exits 1")
}

func TestClassroom50ErrorGradingExitsTwo(t *testing.T) {
	a, _, _ := fakeApp(t)
	f := filepath.Join(t.TempDir(), "result.json")
	// Lesson 1's ping cannot be judged in fakeApp: an error grading.
	require.Equal(t, ExitUsage, a.Run([]string{"check", "--all", "--classroom50", f}))
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	var c report.Classroom50
	require.NoError(t, json.Unmarshal(b, &c))
	require.Len(t, c.Tests, 4, "one test per step of every lesson")
}
