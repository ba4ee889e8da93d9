package lessons

import "slices"

// indexOf is l's entry in an index (New left nil): what the generator
// writes (IndexEntry), and what TestCompiledIndex holds compiledIndex to.
func indexOf(l *Lesson) lessonIndex {
	e := lessonIndex{ID: l.ID, Slug: l.Slug, Troubleshoot: l.Troubleshoot(), Namespaces: slices.Clone(l.Owns.Namespaces)}
	for _, s := range l.Supersedes {
		if !slices.Contains(e.Supersedes, s.Lesson) {
			e.Supersedes = append(e.Supersedes, s.Lesson)
		}
	}
	return e
}

// IndexEntry is what compiledIndex says of l besides its ID, slug and
// constructor, for the generator (compiled_test.go).
func IndexEntry(l *Lesson) (troubleshoot bool, supersedes, namespaces []string) {
	e := indexOf(l)
	return e.Troubleshoot, e.Supersedes, e.Namespaces
}
