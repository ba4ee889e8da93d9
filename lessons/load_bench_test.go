package lessons_test

import (
	"testing"

	"github.com/netlab/netlab/lessons"
)

// BenchmarkLoadEmbedded is what every command that needs the lessons pays:
// the lessons, the catalogue, and the checks between them.
func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lessons.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}
