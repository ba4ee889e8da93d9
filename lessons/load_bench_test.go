package lessons_test

import (
	"testing"

	"github.com/netlab/netlab/checks"
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

// BenchmarkLoadLessonsOnly is the lessons without the catalogue.
func BenchmarkLoadLessonsOnly(b *testing.B) {
	b.ReportAllocs()
	reg := checks.Default()
	for b.Loop() {
		if _, err := lessons.Load(lessons.Embedded(), reg); err != nil {
			b.Fatal(err)
		}
	}
}
