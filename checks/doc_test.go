package checks_test

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md")

func TestDocsInSync(t *testing.T) {
	want := checks.Default().Markdown()
	if *update {
		require.NoError(t, os.WriteFile("../docs/checks.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("../docs/checks.md")
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/checks.md is stale: go test ./checks -run TestDocsInSync -update")
}
