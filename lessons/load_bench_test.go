package lessons_test

import (
	"testing"

	"github.com/netlab/netlab/lessons"
)

func BenchmarkLoadEmbedded(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := lessons.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}
