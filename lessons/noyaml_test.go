package lessons_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNetlabLinksNoYAML: the netlab binary serves the compiled lessons,
// catalogue and messages and never decodes YAML, so it must not link a
// YAML decoder (whose package init every command would pay for): the
// strict loaders live in lessons/lessonyaml and mistakes/mistakeyaml,
// which only the generators and the tests import.
func TestNetlabLinksNoYAML(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/netlab/netlab/cmd/netlab").CombinedOutput()
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), "github.com/netlab/netlab/lessons\n", "the list is netlab's dependencies")
	for _, p := range strings.Fields(string(out)) {
		require.NotContains(t, strings.ToLower(p), "yaml", "netlab links %s", p)
	}
}
