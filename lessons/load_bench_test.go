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

// BenchmarkCompiledForCheck2 is what `netlab check 2` pays: lesson 2's
// checks alone (compare BenchmarkLoadEmbedded, every lesson's).
func BenchmarkCompiledForCheck2(b *testing.B) {
	b.ReportAllocs()
	reg := checks.Default()
	for b.Loop() {
		if _, err := lessons.CompiledFor(reg, "2"); err != nil {
			b.Fatal(err)
		}
	}
}
