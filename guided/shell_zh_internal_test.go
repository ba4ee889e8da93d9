package guided

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
)

// The lines a guided shell says as it replays are in the session's
// language; English without one.
func TestReplayLinesInSessionLanguage(t *testing.T) {
	pre := []ReplayStep{{Say: "x", Cmd: "netlab solve 2 --step 1"}}
	for lang, want := range map[i18n.Lang]string{"": "netlab: that failed; the end of its output:", i18n.ZH: "netlab：这一步失败了；下面是它输出的最后几行："} {
		s := &Session{Dir: t.TempDir(), Lang: lang}
		var b strings.Builder
		s.writePre(&b, pre)
		require.Contains(t, b.String(), shq(want))
		require.Contains(t, b.String(), "netlab solve 2 --step 1 >>", "the command stays as it is")
	}
}
