package checks_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// The tunnel's pass message counts what crossed it, in words: a real ping
// stops at its first reply, so one packet is the usual count.
func TestTunnelPassCountsPackets(t *testing.T) {
	for _, tc := range []struct {
		count int
		want  string
	}{
		{1, "vxlan42 sent 1 packet in host1, 1 arrived in host2"},
		{3, "vxlan42 sent 3 packets in host1, 3 arrived in host2"},
	} {
		f := kerneltest.Overlay()
		cross := f.PingF
		f.PingF = func(ns string, dst net.IP, o kernel.PingOpts) (kernel.PingResult, error) {
			o.Count = tc.count
			return cross(ns, dst, o)
		}
		c := build(t, "kind: tunnel\nfrom: c1\nto: 10.244.0.12\nlink: vxlan42\nns: host1\npeer_ns: host2")
		r := c.Run(context.Background(), checks.Env{K: f, ProbeTimeout: time.Second})
		require.Equal(t, checks.Pass, r.Status, r.Why)
		require.Contains(t, r.Message, tc.want)
	}
}
