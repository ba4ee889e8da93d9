package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/kernel"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// Reset deletes one by one only the links of a lesson namespace whose
// other end lives in another namespace; the namespace's own links go with
// the namespace, in one batch (2000 links one by one took 25 s).
func TestResetDeletesOnlyCrossNamespaceLinksOneByOne(t *testing.T) {
	f := kerneltest.New()
	ns := f.Add("ns0")
	ns.Links = append(ns.Links, kernel.Link{Name: "veth-up", Type: "veth", PeerNetNSID: 0})
	for i := 0; i < 50; i++ {
		ns.Links = append(ns.Links,
			kernel.Link{Name: fmt.Sprintf("a%d", i), Type: "veth", PeerNetNSID: -1},
			kernel.Link{Name: fmt.Sprintf("b%d", i), Type: "veth", PeerNetNSID: -1})
	}
	ns.Links = append(ns.Links, kernel.Link{Name: "br9", Type: "bridge", PeerNetNSID: -1})
	l := &lessons.Lesson{ID: 9, Owns: lessons.Owns{Namespaces: []string{"ns0"}}}
	var out bytes.Buffer
	// --force: links named like no lesson's would make the namespace
	// foreign, and reset would leave it alone.
	require.NoError(t, runner.ResetWith(context.Background(), f, runner.ResetOptions{Lessons: []*lessons.Lesson{l}, Force: true}, &out))
	require.Equal(t, []string{"link ns0/veth-up", "ns ns0"}, f.Deleted)
}
