package i18n

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCode(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want []string
	}{
		{"none", "plain text", []string{}},
		{"spans", "run `ip netns add ns0` then `ip  netns list`", []string{"ip netns add ns0", "ip netns list"}},
		{"block", "do this:\n\n    ip link add br0 type bridge\n    ip link set br0 up   # switch it on\n\nok", []string{"ip link add br0 type bridge", "ip link set br0 up"}},
		{"chinese around code", "执行 `ip -n ns0 link set lo up`，然后：\n\n    ping -c 1 127.0.0.1   # 应该有应答", []string{"ip -n ns0 link set lo up", "ping -c 1 127.0.0.1"}},
		{"span across a line break", "Until `ip link set veth0\nnetns ns0`, nothing", []string{"ip link set veth0 netns ns0"}},
		{"duplicates once", "`lo` and `lo`", []string{"lo"}},
		{"two-space indent is prose", "  not code", []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Code(c.in))
		})
	}
}
