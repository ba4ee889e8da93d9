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

// BenchmarkCompiledFor is what grading some lessons pays, by the keys
// given: one lesson ("veth"), a lesson and the one that supersedes its
// checks ("3"), the troubleshooting lesson, which needs every lesson
// ("8"), and a key that names no lesson, which gets every lesson ("42").
func BenchmarkCompiledFor(b *testing.B) {
	reg := checks.Default()
	for _, key := range []string{"veth", "3", "8", "42"} {
		b.Run(key, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := lessons.CompiledFor(reg, key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
