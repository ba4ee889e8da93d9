package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/class"
)

// A learner's --all --json report carries their name and netlab's
// version, and `netlab class` reads it back.
func TestClassReadsCheckAllReports(t *testing.T) {
	dir := t.TempDir()
	a, out, _ := fakeApp(t)
	a.Run([]string{"check", "--all", "--json", "--learner", "ann"})
	var raw map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &raw))
	require.Equal(t, "ann", raw["learner"])
	require.NotEmpty(t, raw["netlab_version"])
	p := filepath.Join(dir, "whatever.json")
	require.NoError(t, os.WriteFile(p, out.Bytes(), 0o644))

	// A single lesson's report, named by its file.
	a, out, _ = fakeApp(t)
	a.Run([]string{"check", "demo", "--json"})
	q := filepath.Join(dir, "bob.json")
	require.NoError(t, os.WriteFile(q, out.Bytes(), 0o644))

	html := filepath.Join(dir, "class.html")
	a, out, errb := fakeApp(t)
	require.Equal(t, ExitOK, a.Run([]string{"class", p, q, "--json", "--html", html}), errb.String())
	var s class.Summary
	require.NoError(t, json.Unmarshal(out.Bytes(), &s))
	require.ElementsMatch(t, []string{"ann", "bob"}, s.Learners)
	require.Empty(t, s.Skipped)
	var demo *class.LessonSummary
	for i := range s.Lessons {
		if s.Lessons[i].Slug == "demo" {
			demo = &s.Lessons[i]
		}
	}
	require.NotNil(t, demo)
	require.Equal(t, 2, demo.Learners)
	require.Equal(t, 0, demo.Finished)
	require.Equal(t, 2, demo.Stuck[0].Count)
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	require.True(t, bytes.Contains(page, []byte("<svg")))
}

func TestClassUsage(t *testing.T) {
	for _, args := range [][]string{{"class"}, {"class", "/nonexistent/x.json"}} {
		a, _, errb := fakeApp(t)
		require.Equal(t, ExitUsage, a.Run(args))
		require.NotEmpty(t, errb.String())
	}
}
