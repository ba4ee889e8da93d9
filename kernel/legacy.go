package kernel

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
)

// hasLegacyTables reports whether ns has an iptables-legacy table. Without
// one iptables-legacy-save prints nothing, and a process per ruleset read
// is what makes grading (and selftest, which grades hundreds of times)
// slow. /proc/thread-self/net answers for the namespace of this thread.
func (l *Linux) hasLegacyTables(ctx context.Context, ns string) bool {
	e, err := l.entry(ctx, ns)
	if err != nil {
		return true // let the tool run and say what is wrong
	}
	var names []byte
	err = InNS(l.root, e.ns, func() error {
		var rerr error
		names, rerr = os.ReadFile("/proc/thread-self/net/ip_tables_names")
		return rerr
	})
	if errors.Is(err, fs.ErrNotExist) {
		return false // ip_tables is not even loaded
	}
	return err != nil || len(bytes.TrimSpace(names)) > 0
}
