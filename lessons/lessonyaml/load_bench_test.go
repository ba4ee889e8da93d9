package lessonyaml_test

import (
	"testing"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/lessons/lessonyaml"
)

// BenchmarkLoadYAML is what the generator and the tests pay to decode the
// built-in lessons and the catalogue from YAML, and check them.
func BenchmarkLoadYAML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lessonyaml.LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadLessonsOnly is the lessons without the catalogue.
func BenchmarkLoadLessonsOnly(b *testing.B) {
	b.ReportAllocs()
	reg := checks.Default()
	for b.Loop() {
		if _, err := lessonyaml.Load(lessons.Embedded(), reg); err != nil {
			b.Fatal(err)
		}
	}
}
