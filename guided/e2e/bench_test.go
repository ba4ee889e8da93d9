package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netlab/netlab/guided"
	"github.com/netlab/netlab/sandbox"
	"github.com/netlab/netlab/sandbox/sandboxtest"
)

// Latency benchmarks: time from the end of the command that completes a
// step (lesson 1 step 1, `ip netns add ns0`) to the moment the completion
// line reaches the terminal (guided shell) or watch's output. Each runs in
// a sandbox and takes NETLAB_BENCH_SAMPLES samples (default 30); the
// medians are reported as metrics. Run:
//
//	go test ./guided/e2e/ -run '^$' -bench Latency -benchtime 1x

const (
	envBench   = "NETLAB_BENCH"
	resultMark = "NETLAB_BENCH_RESULT "
)

func samples() int {
	if n, err := strconv.Atoi(os.Getenv("NETLAB_BENCH_SAMPLES")); err == nil && n > 0 {
		return n
	}
	return 30
}

func quantile(ds []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1)+0.5)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchInSandbox runs body in a fresh sandbox child and reports the
// child's median and 90th percentile.
func benchInSandbox(b *testing.B, body func(b *testing.B, n int) []time.Duration) {
	if sandbox.Inside() && os.Getenv(envBench) == b.Name() {
		ds := body(b, samples())
		fmt.Printf("%smedian_ms=%.2f p90_ms=%.2f min_ms=%.2f n=%d\n", resultMark, ms(quantile(ds, 0.5)), ms(quantile(ds, 0.9)), ms(quantile(ds, 0)), len(ds))
		return
	}
	if why := sandboxtest.Unavailable(); why != "" {
		sandboxtest.Skip(b, why)
	}
	netlabBin(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd, err := sandbox.Command(ctx, os.Args[0], []string{"-test.run", "^$", "-test.bench", "^" + b.Name() + "$", "-test.benchtime", "1x"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cmd.Env = append(cmd.Env, envBench+"="+b.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("in sandbox: %v\n%s", err, out)
	}
	i := strings.Index(string(out), resultMark)
	if i < 0 {
		b.Fatalf("no result from the sandboxed benchmark:\n%s", out)
	}
	line := strings.Fields(strings.SplitN(string(out)[i+len(resultMark):], "\n", 2)[0])
	for _, kv := range line {
		k, v, _ := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if err == nil && k != "n" {
			b.ReportMetric(f, k)
		}
	}
	b.ReportMetric(0, "ns/op") // the wall time of a whole sandboxed run means nothing here
}

var stamp = regexp.MustCompile(`T(\d{16,20})`)

func BenchmarkGuidedLatency(b *testing.B) { benchGuided(b, "/bin/bash", nil) }

// BenchmarkGuidedLatencyNoServer is the same with `netlab __tick` run once
// per prompt (the fallback when the server is gone).
func BenchmarkGuidedLatencyNoServer(b *testing.B) {
	benchGuided(b, "/bin/bash", []string{"NETLAB_NO_TICKD=1"})
}

// BenchmarkGuidedLatencyZsh is BenchmarkGuidedLatency under zsh, which
// uses the same grading server.
func BenchmarkGuidedLatencyZsh(b *testing.B) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		b.Skip("zsh is not installed")
	}
	benchGuided(b, zsh, nil)
}

func benchGuided(b *testing.B, shell string, extraEnv []string) {
	benchInSandbox(b, func(b *testing.B, n int) []time.Duration {
		l := lesson(b, "1")
		line := guided.CompletionLine(l, 1)
		tm := startTerm(b, append(shellEnv(b, shell), extraEnv...), "lesson", "1")
		tm.Expect(0, prompt, 30*time.Second)
		var ds []time.Duration
		for i := 0; i < n; i++ {
			off := tm.Len()
			tm.Send("ip netns add ns0 && echo T$(date +%s%N)")
			end := tm.Expect(off, line, 30*time.Second)
			seen := tm.Arrival(end - len(line))
			m := stamp.FindStringSubmatch(tm.Since(off))
			if m == nil {
				b.Fatalf("no time stamp in:\n%s", tm.Since(off))
			}
			ns, _ := strconv.ParseInt(m[1], 10, 64)
			ds = append(ds, seen.Sub(time.Unix(0, ns)))
			tm.Expect(end, prompt, 30*time.Second)
			off = tm.Len()
			tm.Send("ip netns del ns0")
			tm.Expect(off, "no longer passes", 30*time.Second)
			tm.Expect(off, prompt, 30*time.Second)
		}
		return ds
	})
}

func BenchmarkWatchLatency(b *testing.B) {
	benchInSandbox(b, func(b *testing.B, n int) []time.Duration {
		l := lesson(b, "1")
		line := guided.CompletionLine(l, 1)
		_, ls := startWatch(b, "1")
		var ds []time.Duration
		for i := 0; i < n; i++ {
			from := ls.n()
			if err := exec.Command("ip", "netns", "add", "ns0").Run(); err != nil {
				b.Fatal(err)
			}
			done := time.Now()
			_, seen := ls.wait(b, from, line, 30*time.Second)
			ds = append(ds, seen.Sub(done))
			from = ls.n()
			if err := exec.Command("ip", "netns", "del", "ns0").Run(); err != nil {
				b.Fatal(err)
			}
			ls.wait(b, from, "no longer passes", 30*time.Second)
		}
		return ds
	})
}
