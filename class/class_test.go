package class_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/netlab/netlab/checks"
	"github.com/netlab/netlab/class"
	"github.com/netlab/netlab/runner"
)

// step builds a step report: passed, or failed with the given mistakes.
func step(n int, title string, mistakes ...string) runner.StepReport {
	s := runner.StepReport{Step: n, Title: title, Points: 1, Passed: len(mistakes) == 0, Status: checks.Pass}
	if len(mistakes) == 0 {
		s.Checks = []runner.CheckReport{{Name: "ok", Status: checks.Pass}}
		return s
	}
	s.Status = checks.Fail
	for _, m := range mistakes {
		s.Checks = append(s.Checks, runner.CheckReport{Name: "c", Status: checks.Fail, Why: "why", Mistake: m})
	}
	return s
}

func lesson(id int, slug string, steps ...runner.StepReport) runner.Report {
	r := runner.Report{Lesson: id, Slug: slug, Title: strings.ToUpper(slug), Steps: steps, MaxScore: len(steps)}
	r.Passed = true
	for _, s := range steps {
		if s.Passed {
			r.Score++
		} else {
			r.Passed = false
		}
	}
	return r
}

// Three learners: fresh (nothing done), half way (lesson 1 done, stuck
// at lesson 2 step 2 with two mistakes), finished.
func writeClass(t *testing.T, version string) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	reports := map[string]class.File{
		"fresh.json": {Version: version, Lessons: []runner.Report{
			lesson(1, "netns", step(1, "ns0", "ns-missing"), step(2, "lo", "ns-missing"), step(3, "ping", "ns-missing")),
			lesson(2, "veth", step(1, "ns", "ns-missing"), step(2, "pair", "veth-missing"), step(3, "addr", "veth-missing")),
		}},
		"half.json": {Version: version, Lessons: []runner.Report{
			lesson(1, "netns", step(1, "ns0"), step(2, "lo"), step(3, "ping")),
			lesson(2, "veth", step(1, "ns"), step(2, "pair", "veth-missing", "lo-down"), step(3, "addr", "veth-missing")),
		}},
		// The learner's name comes from the field, not the file name.
		"x.json": {Learner: "finished-fay", Version: version, Passed: true, Lessons: []runner.Report{
			lesson(1, "netns", step(1, "ns0"), step(2, "lo"), step(3, "ping")),
			lesson(2, "veth", step(1, "ns"), step(2, "pair"), step(3, "addr")),
		}},
	}
	for name, f := range reports {
		b, err := json.Marshal(f)
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		paths = append(paths, p)
	}
	return dir, paths
}

func TestSummaryCountsFinishedStuckAndMistakes(t *testing.T) {
	dir, paths := writeClass(t, "1.2.3")
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"lessons": [`), 0o644))
	other := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"netlab_version":"0.0.1","lessons":[{"lesson":1,"slug":"netns","steps":[{"step":1,"passed":true}]}]}`), 0o644))
	notReport := filepath.Join(dir, "cfg.json")
	require.NoError(t, os.WriteFile(notReport, []byte(`{"name":"x"}`), 0o644))
	paths = append(paths, broken, other, notReport, filepath.Join(dir, "missing.json"))

	s := class.Load(paths, class.Options{Version: "1.2.3"})
	require.ElementsMatch(t, []string{"fresh", "half", "finished-fay"}, s.Learners)
	require.Len(t, s.Skipped, 4, "%+v", s.Skipped)
	skipped := map[string]string{}
	for _, sk := range s.Skipped {
		skipped[filepath.Base(sk.File)] = sk.Reason
	}
	require.Contains(t, skipped["broken.json"], "not JSON")
	require.Contains(t, skipped["old.json"], "0.0.1")
	require.Contains(t, skipped["cfg.json"], "not a netlab check report")
	require.Contains(t, skipped["missing.json"], "cannot be read")

	require.Len(t, s.Lessons, 2)
	l1, l2 := s.Lessons[0], s.Lessons[1]
	require.Equal(t, 1, l1.Lesson)
	require.Equal(t, 3, l1.Learners)
	require.Equal(t, 2, l1.Finished)
	require.ElementsMatch(t, []string{"half", "finished-fay"}, l1.FinishedBy)
	require.Equal(t, []class.Stuck{{Step: 1, Title: "ns0", Count: 1, Learners: []string{"fresh"}}}, l1.Stuck)
	require.Equal(t, []class.Mistake{{ID: "ns-missing", Count: 1, Learners: []string{"fresh"}}}, l1.Mistakes, "a mistake counts once per learner")

	require.Equal(t, 1, l2.Finished)
	require.Len(t, l2.Stuck, 2)
	require.ElementsMatch(t, []class.Stuck{
		{Step: 1, Title: "ns", Count: 1, Learners: []string{"fresh"}},
		{Step: 2, Title: "pair", Count: 1, Learners: []string{"half"}},
	}, l2.Stuck)
	require.Equal(t, "veth-missing", l2.Mistakes[0].ID, "the most common mistake first")
	require.Equal(t, 2, l2.Mistakes[0].Count)
	require.ElementsMatch(t, []string{"fresh", "half"}, l2.Mistakes[0].Learners)

	var text bytes.Buffer
	require.NoError(t, s.WriteText(&text))
	out := text.String()
	require.Contains(t, out, "Class of 3 learners")
	require.Contains(t, out, "skipped "+broken)
	require.Contains(t, out, "finished: 2/3")
	require.Contains(t, out, "stuck at step 2/3, pair: 1 (half)")
	require.Regexp(t, `veth-missing\s+2 \((fresh, half|half, fresh)\)`, out)

	// --any-version reads the old report too.
	s = class.Load(paths, class.Options{Version: "1.2.3", AnyVersion: true})
	require.Len(t, s.Learners, 4)
}

func TestSameLearnerTwiceIsSkipped(t *testing.T) {
	_, paths := writeClass(t, "v")
	s := class.Load(append(paths, paths[0]), class.Options{Version: "v"})
	require.Len(t, s.Learners, 3)
	require.Len(t, s.Skipped, 1)
	require.Contains(t, s.Skipped[0].Reason, "already read")
}

func TestNamesCannotSteerTheTerminal(t *testing.T) {
	s := class.Summarise([]class.File{{Learner: "eve\x1b]0;pwned\x07\nx", Lessons: []runner.Report{lesson(1, "netns", step(1, "a"))}}})
	var b bytes.Buffer
	require.NoError(t, s.WriteText(&b))
	require.NotContains(t, b.String(), "\x1b")
	require.Contains(t, b.String(), `eve\x1b]0;pwned\a\nx`)
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	s := class.Summarise([]class.File{{Learner: `<script>alert(1)</script>`, Lessons: []runner.Report{lesson(1, "netns", step(1, "a", "ns-missing"))}}})
	var b bytes.Buffer
	require.NoError(t, s.WriteHTML(&b))
	page := b.String()
	require.NotContains(t, page, "<script>alert(1)")
	require.NotRegexp(t, `(?i)(src|href)\s*=\s*"?(https?:)?//`, page, "no network: nothing loaded from elsewhere")
	require.Contains(t, page, "<svg")
	require.Equal(t, 2, strings.Count(page, "<rect"), "one bar for finished, one per stuck step")
}

// TestHTMLChartIsDrawnByABrowser renders the page in headless Chromium
// and reads back how many bars the browser laid out with a real size.
func TestHTMLChartIsDrawnByABrowser(t *testing.T) {
	browser := ""
	for _, c := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(c); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("headless Chromium is needed for this test (Debian package chromium)")
		}
		t.Skip("no chromium installed")
	}
	_, paths := writeClass(t, "v")
	s := class.Load(paths, class.Options{Version: "v"})
	want := s.Bars()
	require.Equal(t, 5, want, "lesson 1: finished + 1 stuck; lesson 2: finished + 2 stuck")
	dir := t.TempDir()
	page := filepath.Join(dir, "class.html")
	f, err := os.Create(page)
	require.NoError(t, err)
	require.NoError(t, s.WriteHTML(f))
	require.NoError(t, f.Close())

	ctx := t.Context()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.Output()
	require.NoError(t, err)
	m := regexp.MustCompile(`data-bars-drawn="(\d+)"`).FindStringSubmatch(string(out))
	require.NotNil(t, m, "the page's script did not run in the browser:\n%s", out)
	require.Equal(t, want, mustAtoi(t, m[1]), "every bar with a count is drawn with a non-zero size")
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
