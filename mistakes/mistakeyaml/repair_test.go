package mistakeyaml_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/mistakes/mistakeyaml"
)

// repair:, where: and layer: make a troubleshooting fault; they go
// together and only with a break on the finished network.
func TestRepairFields(t *testing.T) {
	const entry = "- id: x\n  lesson: veth\n  step: 1\n  title: t\n  break: ip link set a down\n"
	ms, err := mistakeyaml.Parse([]byte(entry + "  repair: ip link set a up\n  where: ns0\n  layer: links\n"))
	require.NoError(t, err)
	require.True(t, ms[0].IsFault())
	require.Equal(t, []string{"ip link set a up"}, ms[0].RepairCommands())
	for name, tc := range map[string]struct{ extra, want string }{
		"up_to":         {"  up_to: 2\n  repair: ip link set a up\n  where: ns0\n  layer: links\n", "no start: fresh, no up_to"},
		"fresh":         {"  start: fresh\n  repair: ip link set a up\n  where: ns0\n  layer: links\n", "no start: fresh, no up_to"},
		"no layer":      {"  repair: ip link set a up\n  where: ns0\n", "needs where: (its namespace, or root) and layer:"},
		"unknown layer": {"  repair: ip link set a up\n  where: ns0\n  layer: cables\n", "layer: (one of links, addresses, routes, neighbours, rules)"},
		"no where":      {"  repair: ip link set a up\n  layer: links\n", "needs where:"},
		"no repair":     {"  where: ns0\n  layer: links\n", "where and layer go with repair"},
		"empty repair":  {"  repair: \"# nothing\"\n  where: ns0\n  layer: links\n", "repair has no command"},
	} {
		_, err := mistakeyaml.Parse([]byte(entry + tc.extra))
		require.ErrorContains(t, err, tc.want, name)
	}
	// A pending entry is no fault (the diagnosis does not report it yet).
	ms, err = mistakeyaml.Parse([]byte(entry + "  repair: ip link set a up\n  where: ns0\n  layer: links\n  pending: gap\n"))
	require.NoError(t, err)
	require.False(t, ms[0].IsFault())
}
