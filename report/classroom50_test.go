package report_test

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/report"
	"github.com/netlab/netlab/runner"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestClassroom50HasExactlyTheSpecKeys(t *testing.T) {
	rep := sample(t)
	now := time.Date(2026, 11, 28, 22, 5, 9, 0, time.FixedZone("CET", 3600))
	c := report.NewClassroom50([]runner.Report{rep}, env(map[string]string{
		"CLASSROOM": "net101", "ASSIGNMENT": "veth", "SUBMISSION_TAG": "alice-1",
		"COMMIT_URL": "https://example.invalid/c/1", "RELEASE_URL": "https://example.invalid/r/1",
	}), now)
	var b bytes.Buffer
	require.NoError(t, c.WriteJSON(&b))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &raw))
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	require.Equal(t, []string{"assignment", "classroom", "commit", "datetime", "max-score", "release", "review", "schema", "score", "submission", "tests"}, keys)
	require.Equal(t, "classroom50/result/v1", raw["schema"])
	require.Equal(t, "net101", raw["classroom"])
	require.Equal(t, "veth", raw["assignment"])
	require.Equal(t, "alice-1", raw["submission"])
	require.Equal(t, "https://example.invalid/r/1", raw["release"])
	// REVIEW_URL unset: it defaults to COMMIT_URL.
	require.Equal(t, "https://example.invalid/c/1", raw["review"])
	// UTC, to the second, with a Z.
	require.Equal(t, "2026-11-28T21:05:09Z", raw["datetime"])

	tests := raw["tests"].([]any)
	require.Len(t, tests, 3, "one test per step")
	sum, max := 0.0, 0.0
	for _, x := range tests {
		tc := x.(map[string]any)
		var tk []string
		for k := range tc {
			tk = append(tk, k)
		}
		sort.Strings(tk)
		require.Equal(t, []string{"max-score", "passed", "score", "test-name"}, tk)
		sum += tc["score"].(float64)
		max += tc["max-score"].(float64)
	}
	require.Equal(t, raw["score"], sum, "the tests' scores sum to the total")
	require.Equal(t, raw["max-score"], max)
	require.Equal(t, 3.0, sum)
	require.Equal(t, 6.0, max)
	require.Equal(t, "lesson 9 demo, step 1: One", tests[0].(map[string]any)["test-name"])
	require.Equal(t, true, tests[0].(map[string]any)["passed"])
	require.Equal(t, false, tests[1].(map[string]any)["passed"])
}

func TestClassroom50ReviewURLWins(t *testing.T) {
	c := report.NewClassroom50(nil, env(map[string]string{"COMMIT_URL": "c", "REVIEW_URL": "r"}), time.Unix(0, 0))
	require.Equal(t, "r", c.Review)
	require.Equal(t, "1970-01-01T00:00:00Z", c.Datetime)
	require.NotNil(t, c.Tests, "an empty result still has a tests array")
}
