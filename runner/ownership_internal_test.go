package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/lessons"
)

func shape(t *testing.T, table, line string) kernel.RuleShape {
	t.Helper()
	r, err := kernel.ParseIptablesRule(table, line)
	require.NoError(t, err)
	return r
}

// TestRuleMeaning: a rule is a lesson's only when its meaning equals one of
// the lessons' rules; rules that merely overlap a lesson prefix, or name a
// lesson interface, are not.
func TestRuleMeaning(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	o := ownedBy(ls)
	for _, tc := range []struct {
		table, line string
		want        bool
	}{
		{"nat", "-A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE", true},
		{"nat", `-A POSTROUTING -s 10.0.1.0/24 -o wan0 -m comment --comment "my nat" -j MASQUERADE`, true},
		{"nat", "-A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80", true},
		{"filter", "-A FORWARD -i br0 -o br0 -j ACCEPT", true},
		{"filter", "-A FORWARD -i wan0 -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", true},
		{"filter", "-A INPUT -s 10.0.1.10/32 -p icmp -j DROP", true},
		// issue 8's foreign rules
		{"filter", "-A FORWARD -s 10.0.0.0/8 -j ACCEPT", false},
		{"filter", "-A INPUT -s 10.0.1.77/32 -p tcp -m tcp --dport 22 -j ACCEPT", false},
		{"filter", "-A INPUT -i br0 -j DROP", false},
		{"filter", "-A FORWARD -s 0.0.0.0/0 -j ACCEPT", false},
		// near misses: another prefix, interface, port, target, hook
		{"nat", "-A POSTROUTING -s 10.0.0.0/16 -o wan0 -j MASQUERADE", false},
		{"nat", "-A POSTROUTING -s 10.0.1.0/24 -o wan01 -j MASQUERADE", false},
		{"nat", "-A POSTROUTING -s 10.0.1.0/24 -j MASQUERADE", false},
		{"nat", "-A PREROUTING -i wan0 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.0.1.11:80", false},
		{"nat", "-A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.1.12:80", false},
		{"nat", "-A OUTPUT -s 10.0.1.0/24 -o wan0 -j MASQUERADE", false},
		{"nat", "-A POSTROUTING -s 10.0.1.0/24 -o wan0 -m mark --mark 1 -j MASQUERADE", false},
	} {
		require.Equal(t, tc.want, o.ruleOf(shape(t, tc.table, tc.line)), tc.line)
	}
	// Every lesson's rule spec is well formed.
	for _, l := range ls {
		for _, sp := range l.Owns.Rules {
			require.NotContains(t, canonPrefix(sp.Saddr)+canonPrefix(sp.Daddr), "invalid", "lesson %d: %+v", l.ID, sp)
			require.NotEmpty(t, sp.Hook, "lesson %d: %+v", l.ID, sp)
			require.NotEmpty(t, sp.Verdict, "lesson %d: %+v", l.ID, sp)
		}
	}
}

// statefulFake is a lab with a state directory, for the lock.
type statefulFake struct{ Lab }

func (statefulFake) LabStateDir() (string, error) { return kernel.LabStateDir() }

// TestLabLock: a second taker waits, can be interrupted, and after the
// bound gets one sentence naming the holder.
func TestLabLock(t *testing.T) {
	lab := statefulFake{}
	unlock, err := lockLab(context.Background(), lab, time.Second)
	require.NoError(t, err)
	_, err = lockLab(context.Background(), lab, 50*time.Millisecond)
	require.EqualError(t, err, fmt.Sprintf("another netlab (pid %d) is changing this lab", os.Getpid()))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := lockLab(ctx, lab, 0)
		done <- err
	}()
	cancel()
	require.True(t, errors.Is(<-done, context.Canceled))
	unlock()
	unlock2, err := lockLab(context.Background(), lab, 50*time.Millisecond)
	require.NoError(t, err)
	unlock2()
	dir, err := kernel.LabStateDir()
	require.NoError(t, err)
	st, err := os.Lstat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
}
