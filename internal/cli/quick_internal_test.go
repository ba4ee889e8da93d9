package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// `check N` and `hint N` (with all its hints too) leave Ctrl-C to the
// kernel; a check that writes a report file or grades every lesson, and
// every other command, catches it (see quick).
func TestQuickCommands(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		quick bool
	}{
		{[]string{"check", "2"}, true},
		{[]string{"check", "2", "--json"}, true},
		{[]string{"hint", "2"}, true},
		{[]string{"hint", "2", "--all"}, true},
		{[]string{"check", "--all"}, false},
		{[]string{"check", "2", "--junit", "r.xml"}, false},
		{[]string{"check", "2", "--classroom", "c.json"}, false},
		{[]string{"check", "2", "--classroom50", "c.json"}, false},
		{[]string{"solve", "2"}, false},
		{[]string{"watch", "2"}, false},
		{[]string{"reset", "2"}, false},
		{[]string{"list"}, false},
	} {
		root := (&App{ProbeTimeout: time.Second}).rootCommand()
		cmd, rest, err := root.Find(tc.args)
		require.NoError(t, err, "%q", tc.args)
		require.NoError(t, cmd.ParseFlags(rest), "%q", tc.args)
		require.Equal(t, tc.quick, quick(cmd, cmd.Flags().Args()), "%q", tc.args)
	}
}
