package mistakeyaml_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/mistakes/mistakeyaml"
)

func TestParseIsStrict(t *testing.T) {
	_, err := mistakeyaml.Parse([]byte("- id: x\n  lesson: netns\n  step: 1\n  title: t\n  brake: ls\n"))
	require.ErrorContains(t, err, "brake")
	_, err = mistakeyaml.Parse([]byte("- id: x\n  lesson: netns\n  step: 1\n  title: t\n"))
	require.ErrorContains(t, err, "break is required")
	_, err = mistakeyaml.Parse([]byte("- {id: x, lesson: netns, step: 1, title: t, break: ls}\n- {id: x, lesson: netns, step: 1, title: t, break: ls}\n"))
	require.ErrorContains(t, err, "duplicate id")
}

func TestParseTranslationStrict(t *testing.T) {
	_, err := mistakeyaml.ParseTranslation([]byte("a:\n  title: x\n  hint: y\n"), "zh.yaml")
	require.ErrorContains(t, err, "field hint not found")
	_, err = mistakeyaml.ParseTranslation([]byte("a:\n  title: x\na:\n  title: y\n"), "zh.yaml")
	require.ErrorContains(t, err, "already defined")
}
