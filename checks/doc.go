package checks

import (
	"fmt"
	"strings"
)

// Markdown documents every registered kind for lesson authors: what it
// checks, its fields, which are required, and when it runs.
func (r *Registry) Markdown() string {
	var b strings.Builder
	b.WriteString("# Check kinds\n\n")
	b.WriteString("Generated from `checks.Default()` (`go test ./checks -run TestDocsInSync -update` rewrites it).\n")
	b.WriteString("Every check in a lesson is a mapping with `kind:`, an optional `name:` (the title shown to the learner) and the fields below.\n")
	b.WriteString("`ns` (and `from`, `peer_ns`, `bridge_ns`, `server_ns`) name a namespace under /run/netns; left out, they mean the lab's root namespace.\n")
	phases := map[Phase]string{PhaseState: "reads state", PhaseProbe: "sends packets", PhaseAfter: "runs after the probes"}
	for _, n := range r.Names() {
		k := r.kinds[n]
		req := map[string]bool{}
		for _, f := range k.Required {
			req[f] = true
		}
		var fields []string
		for _, f := range k.Fields {
			if req[f] {
				fields = append(fields, "`"+f+"` (required)")
			} else {
				fields = append(fields, "`"+f+"`")
			}
		}
		fmt.Fprintf(&b, "\n## `%s`\n\n%s.\n\n- fields: %s\n- %s\n", n, k.Doc, strings.Join(fields, ", "), phases[k.Phase])
	}
	return b.String()
}
