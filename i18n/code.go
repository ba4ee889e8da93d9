package i18n

import (
	"regexp"
	"sort"
	"strings"

	"github.com/netlab/netlab/internal/lazy"
)

// compiled on first use: see internal/style
var spanREValue, commentREValue lazy.Value[*regexp.Regexp]

func spanRE() *regexp.Regexp { return spanREValue.Get(newSpanRE) }

func newSpanRE() *regexp.Regexp { return regexp.MustCompile("`([^`]+)`") }

func commentRE() *regexp.Regexp { return commentREValue.Get(newCommentRE) }

func newCommentRE() *regexp.Regexp { return regexp.MustCompile(`\s+#.*$`) }

// Code lists what a translation must carry over unchanged from a Markdown
// text: every `backtick span` (which may run across a line break), and every line indented by four or more
// spaces (a command block) with its trailing "# comment" dropped, since
// that comment is prose. Runs of white space count as one space. The
// result is sorted and free of duplicates, so that two texts in different
// languages can be compared as sets: the tests of lessons and mistakes use
// it to catch a translated command.
func Code(text string) []string {
	set := map[string]bool{}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, m := range spanRE().FindAllStringSubmatch(text, -1) {
		set[norm(m[1])] = true
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "    ") && strings.TrimSpace(l) != "" {
			if c := norm(commentRE().ReplaceAllString(l, "")); c != "" {
				set[c] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
