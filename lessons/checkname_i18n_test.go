package lessons

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
)

// TestNamedChecksTranslated: a check the lesson names (name:) takes its
// Chinese name from the step's checks: in the translation; Verify
// reports a named check without one and a name for an unnamed check;
// the English lesson keeps its own name.
func TestNamedChecksTranslated(t *testing.T) {
	ls, ts := loadBoth(t)
	i := slices.IndexFunc(ls, func(l *Lesson) bool { return l.Slug == "veth" })
	require.GreaterOrEqual(t, i, 0)
	veth := *ls[i]
	veth.Steps = slices.Clone(veth.Steps)
	require.GreaterOrEqual(t, len(veth.Steps[0].Checks), 2)
	veth.Steps[0].Checks = slices.Clone(veth.Steps[0].Checks)
	veth.Steps[0].Checks[1].Name = "the second namespace exists"
	ls = slices.Clone(ls)
	ls[i] = &veth

	m := cloneTranslations(ts)
	require.ErrorContains(t, verify(ls, m, i18n.ZH), "step 1: the English step names its checks")
	require.Equal(t, "the second namespace exists", localize(&veth, m["veth"]).Steps[0].Checks[1].Title(), "no Chinese name: English")

	names := make([]CheckTranslation, len(veth.Steps[0].Checks))
	names[1].Name = "第二个命名空间存在"
	m["veth"].Steps[0].Checks = names
	require.NoError(t, verify(ls, m, i18n.ZH))
	z := localize(&veth, m["veth"])
	require.Equal(t, "第二个命名空间存在", z.Steps[0].Checks[1].Title())
	require.Equal(t, veth.Steps[0].Checks[0].Title(), z.Steps[0].Checks[0].Title(), "an unnamed check keeps its description")
	require.Equal(t, "the second namespace exists", veth.Steps[0].Checks[1].Title(), "the English lesson is untouched")
	require.Same(t, veth.Steps[0].Checks[1].Params, z.Steps[0].Checks[1].Params, "grading is shared")
	require.Same(t, &veth.Steps[1].Checks[0], &z.Steps[1].Checks[0], "a step without names shares its checks")

	names[0].Name = "多余的名字"
	require.ErrorContains(t, verify(ls, m, i18n.ZH), "step 1: check 1 is named in one language only")
	m["veth"].Steps[1].Checks = []CheckTranslation{{Name: "x"}}
	require.ErrorContains(t, verify(ls, m, i18n.ZH), "step 2: checks: given, but the English step names none")
}
