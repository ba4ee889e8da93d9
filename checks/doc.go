package checks

import (
	"fmt"
	"strings"
)

// Markdown documents every registered kind for lesson authors: what it
// checks, its fields (from its parameter struct), when it runs and the
// mistake ids it reports.
func (r *Registry) Markdown() string {
	var b strings.Builder
	b.WriteString("# Check kinds\n\n")
	b.WriteString("Generated from `checks.Default()` (`go test ./checks -run TestDocsInSync -update` rewrites it).\n")
	b.WriteString("Every check in a lesson is a mapping with `kind:`, an optional `name:` (the title shown to the learner) and the fields below.\n")
	b.WriteString("`ns` (and `from`, `peer_ns`, `bridge_ns`, `server_ns`) name a namespace under /run/netns; left out, they mean the lab's root namespace.\n")
	b.WriteString("A hint's `when:` names one of the mistake ids that a check of its step reports.\n")
	phases := map[Phase]string{PhaseState: "reads state", PhaseProbe: "sends packets", PhaseAfter: "runs after the probes"}
	for _, n := range r.Names() {
		k, _ := r.Get(n)
		fmt.Fprintf(&b, "\n## `%s`\n\n%s; %s.\n\n", n, k.Doc, phases[k.Phase])
		b.WriteString("| field | type | required | meaning |\n|---|---|---|---|\n")
		for _, f := range k.Fields() {
			req := ""
			if f.Required {
				req = "yes"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Name, f.Type, req, strings.ReplaceAll(f.Doc, "|", "\\|"))
		}
		ids := make([]string, len(k.Mistakes))
		for i, id := range k.Mistakes {
			ids[i] = "`" + id + "`"
		}
		fmt.Fprintf(&b, "\nMistakes it reports: %s.\n", strings.Join(ids, ", "))
		if len(k.Unexplained) > 0 {
			fmt.Fprintf(&b, "When it cannot tell why, it reports `%s`.\n", strings.Join(k.Unexplained, "`, `"))
		}
	}
	return b.String()
}
