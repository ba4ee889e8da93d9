package class_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/class"
	"github.com/netlab/netlab/i18n"
)

// The class summary and the reasons a file is skipped are said in the
// language asked for; the same summary, names and mistake ids as in
// English.
func TestClassInChinese(t *testing.T) {
	dir, paths := writeClass(t, "1.2.3")
	other := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"netlab_version":"0.0.1","lessons":[{"lesson":1,"slug":"netns","steps":[{"step":1,"passed":true}]}]}`), 0o644))
	paths = append(paths, other, filepath.Join(dir, "missing.json"), paths[0])

	en := class.Load(paths, class.Options{Version: "1.2.3"})
	zh := class.Load(paths, class.Options{Version: "1.2.3", Lang: i18n.ZH})
	require.Equal(t, en.Lessons, zh.Lessons)
	require.Len(t, zh.Skipped, 3)
	reasons := map[string]string{}
	for _, sk := range zh.Skipped {
		reasons[filepath.Base(sk.File)] += sk.Reason
	}
	require.Contains(t, reasons["old.json"], "是 netlab 0.0.1 写的，不是 1.2.3")
	require.True(t, strings.HasPrefix(reasons["missing.json"], "无法读取："), reasons["missing.json"])
	require.Contains(t, reasons[filepath.Base(paths[0])], "的报告已经从")

	var text bytes.Buffer
	require.NoError(t, zh.WriteTextIn(&text, i18n.ZH))
	out := text.String()
	require.Contains(t, out, "班级共 3 名学员：")
	require.Contains(t, out, "  已跳过 "+other+"：")
	require.Contains(t, out, "  已完成：2/3（")
	require.Contains(t, out, "  卡在第 2/3 步（pair）：1 人（half）")
	require.Contains(t, out, "  最常见的错误：")
	require.Regexp(t, `veth-missing\s+2（(fresh, half|half, fresh)）`, out)
	for _, w := range []string{"Class of", "skipped", "finished:", "stuck at", "most common"} {
		require.NotContains(t, out, w)
	}
	var plain bytes.Buffer
	require.NoError(t, en.WriteText(&plain))
	require.Contains(t, plain.String(), "Class of 3 learners")
}

// The HTML page speaks the language asked for too: its title, headings,
// table heads and bar labels; the same bars as in English.
func TestClassHTMLInChinese(t *testing.T) {
	_, paths := writeClass(t, "1.2.3")
	s := class.Load(paths, class.Options{Version: "1.2.3", Lang: i18n.ZH})
	var zh, en bytes.Buffer
	require.NoError(t, s.WriteHTMLIn(&zh, i18n.ZH))
	require.NoError(t, s.WriteHTML(&en))
	page := zh.String()
	for _, w := range []string{`<html lang="zh-CN">`, "<title>netlab 班级汇总</title>", "班级共 3 名学员：", "卡在第 2 步", "<th>已完成</th>", "<th>错误</th>"} {
		require.Contains(t, page, w)
	}
	for _, w := range []string{"class summary", "stuck at step", ">finished<", ">mistake<", "learners:"} {
		require.NotContains(t, page, w)
	}
	require.Contains(t, en.String(), "stuck at step 2")
	require.Equal(t, strings.Count(en.String(), "<rect"), strings.Count(page, "<rect"))
}
