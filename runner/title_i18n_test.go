package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/i18n"
	"github.com/netlab/netlab/internal/zhtest"
	"github.com/netlab/netlab/kernel/kerneltest"
	"github.com/netlab/netlab/lessons"
	"github.com/netlab/netlab/runner"
)

// TestCheckTitlesInChinese: every check of every step of every embedded
// lesson has a Chinese title in the Chinese lessons (its description
// said from the catalogue, or the translation's name for a check the
// lesson names), never the English fallback; an unnamed check's English
// title is its description, unchanged.
func TestCheckTitlesInChinese(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	zls, err := lessons.Localize(ls, i18n.ZH)
	require.NoError(t, err)
	n := 0
	for k, l := range ls {
		for i, s := range l.Steps {
			for j, c := range s.Checks {
				where := fmt.Sprintf("lesson %s step %d check %d (%s)", l.Slug, i+1, j+1, c.Kind)
				en := c.Title()
				if c.Name == "" {
					require.Equal(t, c.Check.Describe(), en, where)
				}
				require.Equal(t, en, runner.CheckTitle(i18n.EN, c), where)
				zh := runner.CheckTitle(i18n.ZH, zls[k].Steps[i].Checks[j])
				require.NotEqual(t, en, zh, "%s: %q has no Chinese title", where, en)
				require.True(t, zhtest.HasHan(zh), "%s: %q", where, zh)
				n++
			}
		}
	}
	require.Greater(t, n, 50)
}

// lesson2NoAddr is lesson 2 done, but for veth1's address.
func lesson2NoAddr() *kerneltest.Fake {
	f := kerneltest.VethPair()
	ns1 := f.NSs["ns1"]
	ns1.Addrs = ns1.Addrs[:1]
	ns1.Routes = nil
	return f
}

// TestReportNamesInChinese: a report graded in Chinese names its checks
// in Chinese, and a check's message that was its English name is its
// Chinese name; statuses, kinds and the JSON keys are the English
// report's.
func TestReportNamesInChinese(t *testing.T) {
	ls, err := lessons.LoadEmbedded()
	require.NoError(t, err)
	l, err := lessons.Find(ls, "2")
	require.NoError(t, err)
	grade := func(lang i18n.Lang) runner.Report {
		return (&runner.Grader{K: lesson2NoAddr(), Lang: lang, ProbeTimeout: 50 * time.Millisecond}).Grade(context.Background(), l)
	}
	en, zh := grade(i18n.EN), grade(i18n.ZH)
	require.Len(t, zh.Steps, len(en.Steps))
	var names []string
	echoed := 0
	for i, s := range en.Steps {
		require.Len(t, zh.Steps[i].Checks, len(s.Checks))
		for j, c := range s.Checks {
			z := zh.Steps[i].Checks[j]
			require.Equal(t, c.Status, z.Status)
			require.Equal(t, c.Kind, z.Kind)
			require.Equal(t, l.Steps[i].Checks[j].Title(), c.Name, "the English name is the title")
			require.Equal(t, runner.CheckTitle(i18n.ZH, l.Steps[i].Checks[j]), z.Name)
			require.True(t, zhtest.HasHan(z.Name), z.Name)
			if c.Message == c.Name {
				require.Equal(t, z.Name, z.Message, "a message that was the name is the Chinese name")
				echoed++
			}
			names = append(names, z.Name)
		}
	}
	require.NotZero(t, echoed, "no passing check says its title as its message")
	require.Contains(t, names, "ns1 里的 veth1 有 10.0.0.2/24")
	require.Contains(t, names, "ns0 能 ping 通 10.0.0.2")

	var eb, zb bytes.Buffer
	require.NoError(t, en.WriteJSON(&eb))
	require.NoError(t, zh.WriteJSON(&zb))
	require.Equal(t, jsonKeys(t, eb.Bytes()), jsonKeys(t, zb.Bytes()))
	require.Contains(t, zb.String(), `"name": "ns1 里的 veth1 有 10.0.0.2/24"`)

	var tb bytes.Buffer
	zh.WriteText(&tb)
	require.Contains(t, tb.String(), "✗ ns1 里的 veth1 有 10.0.0.2/24\n")
	require.Contains(t, tb.String(), "✗ ns0 能 ping 通 10.0.0.2\n")
}

// jsonKeys are the keys of a JSON document, path by path.
func jsonKeys(t *testing.T, data []byte) []string {
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				out = append(out, path+"."+k)
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", v)
	slices.Sort(out)
	return slices.Compact(out)
}
