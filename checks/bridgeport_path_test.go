package checks

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
)

// Each bridge port option that confines frames is named, on the port that
// has it; the harmless ones are not blamed; isolation is certain before
// any probe, the others explain a probe that got no answer.
func TestBridgePortOptions(t *testing.T) {
	const in, out = 2, 3 // lanFake: veth-ns0 (ns0's port), veth-ns1 (ns1's)
	for _, tc := range []struct {
		name    string
		mutate  func(f *kerneltest.Fake)
		walk    string // mistake of the walk itself ("" = none)
		after   string // mistake of portConfines after a failed probe
		phrases []string
	}{
		{name: "defaults"},
		{name: "harmless options", mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[out].BridgePort = kernel.BridgePortFlags{NoMcastFlood: true, ProxyARP: true, Hairpin: true, NeighSuppress: true}
		}},
		{name: "both isolated", walk: "port-isolated", phrases: []string{"ports veth-ns0 and veth-ns1 of br0 are both isolated"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[in].BridgePort.Isolated = true
			f.NSs[""].Links[out].BridgePort.Isolated = true
		}},
		{name: "one isolated", mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[out].BridgePort.Isolated = true }},
		{name: "far port locked", after: "port-locked", phrases: []string{"port veth-ns1 of br0 is locked"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[out].BridgePort.Locked = true
		}},
		{name: "own port locked", after: "port-locked", phrases: []string{"port veth-ns0 of br0 is locked", "requests of ns0"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[in].BridgePort.Locked = true
		}},
		{name: "no broadcast flooding", after: "port-bcast-flood-off", phrases: []string{"port veth-ns1 of br0 has bcast_flood off", "who has 10.0.1.11"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[out].BridgePort.NoBcastFlood = true
		}},
		{name: "no flooding, still learning", mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[out].BridgePort.NoFlood = true }},
		{name: "no flooding, no learning", after: "port-flood-off", phrases: []string{"flood off and learning is off on it"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[out].BridgePort.NoFlood = true
			f.NSs[""].Links[out].BridgePortNoLearning = true
		}},
		{name: "no flooding, ageing 0", after: "port-flood-off", phrases: []string{"ageing_time is 0"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[out].BridgePort.NoFlood = true
			f.NSs[""].Links[1].BridgeAgeingZero = true
		}},
		{name: "disabled a moment after up, STP off", mutate: func(f *kerneltest.Fake) { f.NSs[""].Links[out].BridgePortState = "disabled" }},
		{name: "listening with STP on", walk: "port-not-forwarding", phrases: []string{"STP is on for br0"}, mutate: func(f *kerneltest.Fake) {
			f.NSs[""].Links[out].BridgePortState = "listening"
			f.NSs[""].Links[1].BridgeSTP = true
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := lanFake()
			require.Equal(t, "veth-ns0", f.NSs[""].Links[in].Name)
			require.Equal(t, "veth-ns1", f.NSs[""].Links[out].Name)
			if tc.mutate != nil {
				tc.mutate(f)
			}
			p, r := walk(f, "ns0", "10.0.1.11")
			if tc.walk != "" {
				require.NotNil(t, r)
				require.Equal(t, tc.walk, r.Mistake, r.Why)
				for _, ph := range tc.phrases {
					require.Contains(t, r.Why, ph)
				}
				return
			}
			require.Nil(t, r)
			c := portConfines(p)
			if tc.after == "" {
				require.Nil(t, c, "%+v", c)
				return
			}
			require.NotNil(t, c)
			require.Equal(t, tc.after, c.Mistake, c.Why)
			require.NotEmpty(t, c.Fix)
			for _, ph := range tc.phrases {
				require.Contains(t, c.Why, ph)
			}
		})
	}
}
