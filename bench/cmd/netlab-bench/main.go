// Command netlab-bench measures every figure of issue 11 in one run and
// writes bench/RESULTS.md. bench/run.sh builds it, netlab, a hello-world
// binary and the guided e2e test binary, then calls it.
//
// Every scenario runs inside a netlab sandbox (sandbox.Command through
// the netlab binary: a private network and mount namespace), so nothing
// reaches the host and nothing is left behind. Inside the sandbox the
// driver runs itself again (-inner SCENARIO) and prints its samples as
// JSON on stdout.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/netlab/netlab/sandbox"
)

var (
	flagN        = flag.Int("n", 7, "samples per figure (medians are reported)")
	flagK        = flag.String("k", "10,50,100", "classroom sizes: concurrent sandboxes solving and grading lesson 3")
	flagNetlab   = flag.String("netlab", "", "netlab binary")
	flagHello    = flag.String("hello", "", "hello-world Go binary (the --help baseline)")
	flagE2E      = flag.String("e2e", "", "guided/e2e test binary (guided and watch reaction); empty: skip")
	flagBench    = flag.String("benchdir", "", "bench/ directory (shell verifiers)")
	flagOut      = flag.String("out", "", "write the report here (default: stdout only)")
	flagSelftest = flag.Bool("selftest", true, "measure netlab selftest")
	flagInner    = flag.String("inner", "", "internal: run one scenario inside a sandbox")
	flagCmdline  = flag.String("cmdline", "bench/run.sh", "the command line shown in the report")
	flagOnly     = flag.String("only", "", "comma-separated parts to run (help,check2,check4,links,reset,class,grade,e2e,selftest); empty: all")
)

// want reports whether part is to be measured in this run.
func want(part string) bool {
	if *flagOnly == "" {
		return true
	}
	for _, p := range strings.Split(*flagOnly, ",") {
		if strings.TrimSpace(p) == part {
			return true
		}
	}
	return false
}

func main() {
	flag.Parse()
	if *flagInner != "" {
		if err := inner(*flagInner); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := outer(); err != nil {
		fmt.Fprintln(os.Stderr, "netlab-bench:", err)
		os.Exit(1)
	}
}

// ---------------------------------------------------------------- inner

// samples maps a series name to its durations in seconds; codes holds
// exit codes of commands whose success is part of the figure.
type samples struct {
	S     map[string][]float64 `json:"s"`
	Codes map[string][]int     `json:"codes"`
}

func (s *samples) add(name string, d time.Duration) {
	s.S[name] = append(s.S[name], d.Seconds())
}

func must(name string, args ...string) {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		fail("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}

// timed runs a command, output discarded, and returns its wall time and
// exit code.
func timed(name string, args ...string) (time.Duration, int) {
	cmd := exec.Command(name, args...)
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	return d, code
}

func inner(scenario string) error {
	nl, bd, n := *flagNetlab, *flagBench, *flagN
	s := &samples{S: map[string][]float64{}, Codes: map[string][]int{}}
	series := func(name string, want0 bool, cmd ...string) {
		d, code := timed(cmd[0], cmd[1:]...)
		s.add(name, d)
		s.Codes[name] = append(s.Codes[name], code)
		if want0 && code != 0 {
			fmt.Fprintf(os.Stderr, "%s: %v exited %d\n", name, cmd, code)
		}
	}
	switch scenario {
	case "check2":
		must(nl, "solve", "2")
		for i := 0; i < max(n, check2Pairs); i++ {
			series("netlab check 2", true, nl, "check", "2")
			series("verify-veth.sh", true, "sh", filepath.Join(bd, "verify-veth.sh"), "-q")
		}
	case "check4":
		must(nl, "solve", "4")
		for i := 0; i < n; i++ {
			series("netlab check 4", true, nl, "check", "4")
			series("verify-iptables.sh", true, "sh", filepath.Join(bd, "verify-iptables.sh"), "-q")
		}
		// Each sample with the rules is paired with one without them,
		// taken just before: a drift of the machine's load over the run
		// moves both.
		for _, layout := range []string{"chains", "bigchain"} {
			for i := 0; i < n; i++ {
				series("check 4, without the rules, "+layout, true, nl, "check", "4")
				if err := loadRules(layout); err != nil {
					return err
				}
				series("check 4, 5000 rules, "+layout, true, nl, "check", "4")
				if err := unloadRules(layout); err != nil {
					return err
				}
			}
		}
		for i := 0; i < n; i++ {
			series("check 4, again", true, nl, "check", "4")
		}
	case "links":
		must(nl, "solve", "3")
		for i := 0; i < n; i++ {
			series("netlab check 3", true, nl, "check", "3")
			series("verify-bridge.sh", true, "sh", filepath.Join(bd, "verify-bridge.sh"), "-q")
		}
		if err := veths("", "bulk", 1000); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			series("check 3, 2000 links", true, nl, "check", "3")
		}
	case "reset":
		reps := max(1, min(n, 3))
		for i := 0; i < reps; i++ {
			must(nl, "solve", "4")
			series("reset 4", true, nl, "reset", "4")
			must(nl, "solve", "4")
			if err := veths("ns0", "bulk", 1000); err != nil {
				return err
			}
			// 2000 links no lesson makes are foreign state: plain reset
			// leaves ns0 and names it (issue 8). --force is how a learner
			// removes it anyway, and what this figure measures.
			series("reset 4, 2000 links in ns0", true, nl, "reset", "4", "--force")
		}
	case "grade1", "grade2", "grade3", "grade4", "grade5", "grade6", "grade7", "grade8":
		l := strings.TrimPrefix(scenario, "grade")
		must(nl, "solve", l)
		if l == "8" {
			// solve 8 repairs the current round; the next round begins
			// when check 8 sees the previous one pass: three rounds.
			for i := 0; i < 2; i++ {
				_ = exec.Command(nl, "check", l).Run()
				must(nl, "solve", l)
			}
		}
		for i := 0; i < n; i++ {
			out, err := exec.Command(nl, "check", l, "--json").Output()
			if err != nil {
				return fmt.Errorf("check %s --json: %v", l, err)
			}
			var rep struct {
				ElapsedMS float64 `json:"elapsed_ms"`
			}
			if err := json.Unmarshal(out, &rep); err != nil {
				return fmt.Errorf("check %s --json: %v", l, err)
			}
			s.S["grade "+l] = append(s.S["grade "+l], rep.ElapsedMS/1000)
		}
	case "selftest":
		cmd := exec.Command(nl, "selftest")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		t0 := time.Now()
		err := cmd.Run()
		s.add("netlab selftest", time.Since(t0))
		code := 0
		if err != nil {
			code = 1
			for _, l := range strings.Split(out.String(), "\n") {
				if !strings.Contains(l, " ok ") && strings.TrimSpace(l) != "" {
					fmt.Fprintln(os.Stderr, "selftest:", l)
				}
			}
		}
		s.Codes["netlab selftest"] = []int{code}
	default:
		return fmt.Errorf("unknown scenario %q", scenario)
	}
	return json.NewEncoder(os.Stdout).Encode(s)
}

// veths adds count veth pairs (2*count links) in ns (root when "") with
// one `ip -batch`.
func veths(ns, prefix string, count int) error {
	var b bytes.Buffer
	for i := 0; i < count; i++ {
		fmt.Fprintf(&b, "link add %sa%d type veth peer name %sb%d\n", prefix, i, prefix, i)
	}
	args := []string{"-batch", "-"}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	cmd := exec.Command("ip", args...)
	cmd.Stdin = &b
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ip -batch: %v\n%s", err, out)
	}
	return nil
}

// loadRules adds 5000 rules that match none of the lab's packets to the
// lab's root namespace, in one of two layouts:
//
//	chains:   50 tables, each a forward base chain with 50 jumps to 50
//	          regular chains of one rule each (kube-proxy's shape);
//	bigchain: one forward base chain of 5000 rules (a long firewall).
func loadRules(layout string) error {
	// Several nft batches, not one: inside a user namespace nft cannot
	// force a socket buffer big enough for 5000 rules at once
	// (SO_SNDBUFFORCE needs the host's CAP_NET_ADMIN), and says "Message
	// too long". The ruleset that results is the same.
	var batches []string
	switch layout {
	case "chains":
		for t := 0; t < 50; t++ {
			var b bytes.Buffer
			fmt.Fprintf(&b, "table ip bulk%d {\n", t)
			for c := 0; c < 50; c++ {
				fmt.Fprintf(&b, "  chain c%d { ip saddr 198.19.%d.%d counter drop; }\n", c, t, c)
			}
			fmt.Fprintf(&b, "  chain main {\n    type filter hook forward priority %d; policy accept;\n", t)
			for c := 0; c < 50; c++ {
				fmt.Fprintf(&b, "    ip daddr 198.18.%d.%d counter jump c%d\n", t, c, c)
			}
			b.WriteString("  }\n}\n")
			batches = append(batches, b.String())
		}
	case "bigchain":
		batches = append(batches, "table inet bulk {\n  chain main {\n    type filter hook forward priority 0; policy accept;\n  }\n}\n")
		for i := 0; i < 5000; i += 250 {
			var b bytes.Buffer
			for j := i; j < i+250; j++ {
				fmt.Fprintf(&b, "add rule inet bulk main ip daddr 198.18.%d.%d tcp dport %d counter accept\n", j/250, j%250, 1000+j)
			}
			batches = append(batches, b.String())
		}
	}
	for _, batch := range batches {
		cmd := exec.Command("nft", "-f", "-")
		cmd.Stdin = strings.NewReader(batch)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("nft -f (%s): %v\n%s", layout, err, out)
		}
	}
	return nil
}

// unloadRules removes the tables loadRules made (the lesson's own rules
// stay).
func unloadRules(layout string) error {
	var b bytes.Buffer
	switch layout {
	case "chains":
		for t := 0; t < 50; t++ {
			fmt.Fprintf(&b, "delete table ip bulk%d\n", t)
		}
	case "bigchain":
		b.WriteString("delete table inet bulk\n")
	}
	cmd := exec.Command("nft", "-f", "-")
	cmd.Stdin = &b
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nft -f (delete %s): %v\n%s", layout, err, out)
	}
	return nil
}

// ---------------------------------------------------------------- outer

// inSandbox runs this driver's scenario inside a fresh sandbox.
func inSandbox(ctx context.Context, scenario string) (*samples, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	argv := []string{self, "-inner", scenario, "-n", strconv.Itoa(*flagN), "-netlab", *flagNetlab, "-benchdir", *flagBench}
	// The scenario keeps the caller's identity inside (root stays root of
	// the namespaces, as in the test sandboxes): it measures netlab, and
	// building 5000 rules in one nft batch needs a socket buffer that only
	// the namespace's owner may force. The classroom scenario below runs
	// as learners do.
	sb, err := sandbox.New(ctx, sandbox.Options{Self: *flagNetlab, Argv: argv, KeepIdentity: true})
	if err != nil {
		return nil, err
	}
	cmd := sb.Cmd
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = sb.Start()
	if err == nil {
		err = sb.Wait()
	}
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %v\n%s", scenario, err, errb.String())
	}
	if errb.Len() > 0 {
		fmt.Fprintf(os.Stderr, "scenario %s:\n%s", scenario, errb.String())
	}
	var s samples
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		return nil, fmt.Errorf("scenario %s: %v: %s", scenario, err, out.String())
	}
	return &s, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// pairedRatio is the median of xs[i]/bases[i]: each sample against the
// baseline taken just before it, so that a drift of the machine's speed
// over the run moves both sides of each ratio.
func pairedRatio(xs, bases []float64) float64 {
	var rs []float64
	for i := range min(len(xs), len(bases)) {
		if bases[i] > 0 {
			rs = append(rs, xs[i]/bases[i])
		}
	}
	return median(rs)
}

func ms(sec float64) string { return fmt.Sprintf("%.1f ms", sec*1000) }

// wholeMS is a time counted in whole milliseconds (elapsed_ms): 0 is
// under one, not none.
func wholeMS(sec float64) string {
	if sec*1000 < 1 {
		return "< 1 ms"
	}
	return fmt.Sprintf("%.0f ms", sec*1000)
}

func allZero(codes []int) bool {
	for _, c := range codes {
		if c != 0 {
			return false
		}
	}
	return true
}

type report struct {
	b bytes.Buffer
}

func (r *report) line(format string, a ...any) {
	fmt.Fprintf(&r.b, format+"\n", a...)
	fmt.Fprintf(os.Stderr, format+"\n", a...)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**NOT met**"
}

func outer() error {
	if *flagNetlab == "" || *flagHello == "" || *flagBench == "" {
		return fmt.Errorf("-netlab, -hello and -benchdir are required (bench/run.sh sets them)")
	}
	ctx := context.Background()
	n := *flagN
	r := &report{}
	start := time.Now()
	host, _ := os.Hostname()
	kernelRel, _ := exec.Command("uname", "-r").Output()
	cpu := cpuModel()
	r.line("# netlab benchmark results\n")
	r.line("Written by `%s` on %s (UTC).\n", *flagCmdline, time.Now().UTC().Format("2006-01-02 15:04"))
	r.line("- machine: %s, %d CPUs (%s), kernel %s, %s", host, runtime.NumCPU(), cpu, strings.TrimSpace(string(kernelRel)), memTotal())
	r.line("- load average at start: %s", loadavg())
	r.line("- samples per figure: %d (medians; each figure's baseline measured in the same run, interleaved where both run in one state)", n)
	r.line("- binaries: netlab and hello-world as bench/run.sh installs them (install(1), as a package does), like the system's `ip`, `ping` and `sh` the shell verifiers run; see run.sh for why not the linker's output file\n")
	r.line("## Goals of issue 11\n")
	r.line("| figure | netlab | baseline | ratio | goal | |")
	r.line("|---|---|---|---|---|---|")

	// --help vs hello-world, interleaved, outside any sandbox (reads nothing).
	if want("help") {
		helpRow(r, n)
	}
	if want("check2") {
		if err := check2Row(ctx, r); err != nil {
			return err
		}
	}
	if want("check4") {
		if err := check4Rows(ctx, r); err != nil {
			return err
		}
	}
	if want("links") || want("reset") {
		if err := linksRows(ctx, r); err != nil {
			return err
		}
	}
	var class []string
	if want("class") {
		var err error
		if class, err = classRows(ctx, r); err != nil {
			return err
		}
	}
	return restRows(ctx, r, class, start)
}

func helpRow(r *report, n int) {
	var help, hello []float64
	for i := 0; i < max(n, 20); i++ {
		d, _ := timed(*flagNetlab, "--help")
		help = append(help, d.Seconds())
		d, _ = timed(*flagHello)
		hello = append(hello, d.Seconds())
	}
	hr := median(help) / median(hello)
	r.line("| `netlab --help` vs a hello-world Go binary | %s | %s | %.2f× slower | ≤ 2.5× | %s |", ms(median(help)), ms(median(hello)), hr, verdict(hr <= 2.5))
}

// check2Pairs is the least number of (check 2, verifier) pairs: both
// take milliseconds, and their medians over 7 moved by ±10% from run to
// run on this machine.
const check2Pairs = 31

func check2Row(ctx context.Context, r *report) error {
	c2, err := inSandbox(ctx, "check2")
	if err != nil {
		return err
	}
	a, b := median(c2.S["netlab check 2"]), median(c2.S["verify-veth.sh"])
	r.line("| `netlab check 2` (passing) vs bench/verify-veth.sh (%d pairs, alternating) | %s | %s | %.1f× faster | ≥ 8× | %s |", len(c2.S["netlab check 2"]), ms(a), ms(b), b/a, verdict(b/a >= 8 && allZero(c2.Codes["netlab check 2"])))
	return nil
}

var c4, lk *samples

func check4Rows(ctx context.Context, r *report) error {
	var err error
	c4, err = inSandbox(ctx, "check4")
	if err != nil {
		return err
	}
	a, b := median(c4.S["netlab check 4"]), median(c4.S["verify-iptables.sh"])
	r.line("| `netlab check 4` (passing) vs bench/verify-iptables.sh (waits one ping timeout for the drop) | %s | %s | %.1f× faster | ≥ 4× | %s |", ms(a), ms(b), b/a, verdict(b/a >= 4 && allZero(c4.Codes["netlab check 4"])))
	for _, layout := range []string{"chains", "bigchain"} {
		name := "check 4, 5000 rules, " + layout
		what := map[string]string{"chains": "50 tables × 51 chains", "bigchain": "one chain"}[layout]
		with, without := c4.S[name], c4.S["check 4, without the rules, "+layout]
		x, base := median(with), median(without)
		ratio := pairedRatio(with, without)
		codes := c4.Codes[name]
		r.line("| `check 4` with 5000 unrelated nftables rules in the root namespace (%s) vs without (each sample paired with one taken just before) | %s, exit codes %v | %s | %.2f× slower | ≤ 1.5×, exit 0 | %s |", what, ms(x), codes, ms(base), ratio, verdict(ratio <= 1.5 && allZero(codes)))
	}
	return nil
}

func linksRows(ctx context.Context, r *report) error {
	var err error
	if want("links") {
		if lk, err = inSandbox(ctx, "links"); err != nil {
			return err
		}
		a, b := median(lk.S["netlab check 3"]), median(lk.S["check 3, 2000 links"])
		r.line("| `check 3` with 2000 unrelated links (1000 veth pairs) in the root namespace vs without | %s | %s | %.2f× slower | ≤ 1.5× | %s |", ms(b), ms(a), b/a, verdict(b/a <= 1.5 && allZero(lk.Codes["check 3, 2000 links"])))
	}
	if want("reset") {
		rs, err := inSandbox(ctx, "reset")
		if err != nil {
			return err
		}
		a, b := median(rs.S["reset 4"]), median(rs.S["reset 4, 2000 links in ns0"])
		r.line("| `reset 4 --force` with 2000 links in ns0 (vs reset 4 without them) | %s | %s | %.2f× | < 2 s | %s |", ms(b), ms(a), b/a, verdict(b < 2 && allZero(rs.Codes["reset 4, 2000 links in ns0"])))
	}
	return nil
}

func classRows(ctx context.Context, r *report) ([]string, error) {
	// Classroom: K concurrent sandboxes, each solving and grading lesson 3.
	var ks []int
	for _, f := range strings.Split(*flagK, ",") {
		if k, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && k > 0 {
			ks = append(ks, k)
		}
	}
	var class []string
	for _, k := range ks {
		c, err := classroom(ctx, k)
		if err != nil {
			return nil, err
		}
		class = append(class, c.row(k))
		if k == 100 {
			r.line("| 100 concurrent sandboxes: `netlab solve 3 && netlab check 3` each | %s wall, %d failures | – | – | zero failures | %s |", ms(c.wall), c.failures, verdict(c.failures == 0))
		}
	}
	return class, nil
}

func restRows(ctx context.Context, r *report, class []string, start time.Time) error {
	n := *flagN
	r.line("\n## Classroom scale (K sandboxes at once, each `netlab solve 3 && netlab check 3`)\n")
	r.line("| K | wall | failures | per sandbox: max RSS of its largest process | per sandbox: host memory (MemAvailable drop at peak / K) |")
	r.line("|---|---|---|---|---|")
	for _, c := range class {
		r.line("%s", c)
	}

	if want("grade") {
		r.line("\n## Per-lesson grading time (in-process: the report's elapsed_ms, in whole milliseconds, solved state)\n")
		r.line("| lesson | grade time (median) |")
		r.line("|---|---|")
		for _, l := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
			g, err := inSandbox(ctx, "grade"+l)
			if err != nil {
				return err
			}
			label := l
			if l == "8" {
				label = "8 (its three rounds repaired: the grade reads their record)"
			}
			r.line("| %s | %s |", label, wholeMS(median(g.S["grade "+l])))
		}
	}

	r.line("\n## Other figures\n")
	r.line("| figure | median | baseline |")
	r.line("|---|---|---|")
	if lk != nil {
		r.line("| shell verifier of lesson 3 (bench/verify-bridge.sh) vs `netlab check 3` | %s | %s |", ms(median(lk.S["verify-bridge.sh"])), ms(median(lk.S["netlab check 3"])))
	}
	if c4 != nil {
		r.line("| `check 4` after the rules are gone (state restored) | %s | %s |", ms(median(c4.S["check 4, again"])), ms(median(c4.S["netlab check 4"])))
	}
	if *flagE2E != "" && want("e2e") {
		for _, l := range e2eLatency(ctx, n) {
			r.line("%s", l)
		}
	}
	if *flagSelftest && want("selftest") {
		st, err := inSandbox(ctx, "selftest")
		if err != nil {
			return err
		}
		r.line("| `netlab selftest` (every lesson, every catalogued mistake, in sandboxes), exit codes %v | %.1f s | – |", st.Codes["netlab selftest"], median(st.S["netlab selftest"]))
	}
	r.line("\nWhole run: %.0f s. Load average at the end: %s.", time.Since(start).Seconds(), loadavg())
	if *flagOut != "" {
		return os.WriteFile(*flagOut, r.b.Bytes(), 0o644)
	}
	return nil
}

type classResult struct {
	wall     float64
	failures int
	maxRSSkB []int64
	memDrop  int64 // kB
	k        int
}

func (c classResult) row(k int) string {
	var rss []float64
	for _, x := range c.maxRSSkB {
		rss = append(rss, float64(x))
	}
	return fmt.Sprintf("| %d | %s | %d | %.1f MB (median) | %.1f MB |", k, ms(c.wall), c.failures, median(rss)/1024, float64(c.memDrop)/1024/float64(k))
}

// classroom starts k sandboxes at once; each solves and grades lesson 3.
func classroom(ctx context.Context, k int) (classResult, error) {
	res := classResult{k: k}
	base := memAvailable()
	low := base
	stop := make(chan struct{})
	var mwg sync.WaitGroup
	mwg.Add(1)
	go func() {
		defer mwg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if m := memAvailable(); m < low {
					low = m
				}
			}
		}
	}()
	script := fmt.Sprintf("%q solve 3 >/dev/null && %q check 3 >/dev/null", *flagNetlab, *flagNetlab)
	var mu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := 0; i < k; i++ {
		cmd, err := sandbox.Command(ctx, *flagNetlab, nil, []string{"sh", "-c", script})
		if err != nil {
			return res, err
		}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := cmd.Run()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.failures++
				if res.failures <= 3 {
					fmt.Fprintf(os.Stderr, "classroom K=%d: a sandbox failed: %v\n%s\n", k, err, errb.String())
				}
			}
			if cmd.ProcessState != nil {
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					res.maxRSSkB = append(res.maxRSSkB, ru.Maxrss)
				}
			}
		}()
	}
	wg.Wait()
	res.wall = time.Since(t0).Seconds()
	close(stop)
	mwg.Wait()
	res.memDrop = base - low
	fmt.Fprintf(os.Stderr, "classroom K=%d: %.1f s, %d failures\n", k, res.wall, res.failures)
	return res, nil
}

// e2eLatency runs guided/e2e's latency benchmarks (each in its own
// sandbox) and returns table rows.
func e2eLatency(ctx context.Context, n int) []string {
	cmd := exec.CommandContext(ctx, *flagE2E, "-test.run", "^$", "-test.bench", "Latency", "-test.benchtime", "1x")
	cmd.Env = append(os.Environ(), "NETLAB_BENCH_SAMPLES="+strconv.Itoa(max(n, 5)), "NETLAB_E2E_BIN="+*flagNetlab)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return []string{fmt.Sprintf("| guided/watch reaction | failed: %v | |", err)}
	}
	var rows []string
	vals := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.SplitN(strings.TrimPrefix(f[0], "Benchmark"), "-", 2)[0]
		for i := 1; i+1 < len(f); i++ {
			if f[i+1] == "median_ms" {
				vals[name] = f[i] + " ms"
			}
		}
	}
	rows = append(rows,
		fmt.Sprintf("| guided shell: end of the step's command → completion line (bash, grading server) | %s | %s (without the server: `netlab __tick` per prompt) |", vals["GuidedLatency"], vals["GuidedLatencyNoServer"]),
		fmt.Sprintf("| `netlab watch`: end of the step's command → completion line | %s | – |", vals["WatchLatency"]))
	return rows
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func loadavg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	for _, l := range strings.Split(readFile("/proc/cpuinfo"), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "?"
}

func meminfo(key string) int64 {
	for _, l := range strings.Split(readFile("/proc/meminfo"), "\n") {
		if strings.HasPrefix(l, key+":") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				v, _ := strconv.ParseInt(f[1], 10, 64)
				return v
			}
		}
	}
	return 0
}

func memAvailable() int64 { return meminfo("MemAvailable") }

func memTotal() string { return fmt.Sprintf("%.1f GB RAM", float64(meminfo("MemTotal"))/1024/1024) }
