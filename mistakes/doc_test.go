package mistakes_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/mistakes"
)

// docs/mistakes.md is generated from the catalog; this keeps it in sync.
// UPDATE_DOCS=1 rewrites it.
func TestDocInSync(t *testing.T) {
	all, err := mistakes.All()
	require.NoError(t, err)
	want := mistakes.Markdown(all)
	const path = "../docs/mistakes.md"
	if os.Getenv("UPDATE_DOCS") == "1" {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run UPDATE_DOCS=1 go test ./mistakes/ -run TestDocInSync")
	require.Equal(t, want, string(got), "docs/mistakes.md is stale: run UPDATE_DOCS=1 go test ./mistakes/ -run TestDocInSync")
}
