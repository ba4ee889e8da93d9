#!/bin/sh
# bench/check-allfail.sh: how long `netlab check 4` takes when every probe
# of lesson 4 fails, against the single-probe timeout (1s by default).
# Issue 4's acceptance: at most 1.5 x the probe timeout.
#
# Two states, each built in a throwaway sandbox (private net + mount
# namespace, nothing reaches the host) from lesson 4's solution:
#   fast: br0 and wan0 down, so kernel state proves every probe must fail
#         (fast verdicts: no probe waits for its timeout);
#   slow: INPUT policy DROP in every namespace, so every probe is sent and
#         must wait for its timeout before the diagnosis reads counters.
# Prints each run's wall time (the whole `netlab check 4` process) and the
# medians of wall time and of the grading itself (the report's elapsed_ms).
# The machine's load shows in the numbers: compare them with `uptime`.
#
# Usage: sudo bench/check-allfail.sh [runs]   (default 7)
set -eu
runs=${1:-7}
cd "$(dirname "$0")/.."
bin=$(mktemp /tmp/netlab-bench.XXXXXX)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" ./cmd/netlab

bench() { # state-name break-commands
	unshare -n -m sh -c '
	set -eu
	mount --make-rprivate / && mount -t tmpfs netlab /run/netns && mount -t sysfs sysfs /sys && ip link set lo up
	bin=$1 runs=$2 name=$3 brk=$4
	"$bin" solve 4 >/dev/null 2>&1
	"$bin" check 4 >/dev/null 2>&1 || { echo "lesson 4 does not pass after solve" >&2; exit 1; }
	sh -ec "$brk"
	times=""
	grades=""
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s%N)
		"$bin" check 4 --json >/tmp/netlab-bench-$$.json 2>&1 || true
		e=$(date +%s%N)
		ms=$(( (e - s) / 1000000 ))
		times="$times $ms"
		g=$(sed -n "s/.*\"elapsed_ms\": \([0-9]*\).*/\1/p" /tmp/netlab-bench-$$.json)
		grades="$grades $g"
		i=$((i + 1))
	done
	passed=$(grep -c "\"status\": \"pass\"" /tmp/netlab-bench-$$.json || true)
	rm -f /tmp/netlab-bench-$$.json
	median() { echo "$@" | tr " " "\n" | sort -n | awk "{a[NR]=\$1} END {print a[int((NR+1)/2)]}"; }
	med=$(median $times)
	gmed=$(median $grades)
	echo "$name: wall per run (ms):$times"
	echo "$name: median wall ${med} ms = $(awk "BEGIN {printf \"%.2f\", $med/1000}") x the 1s probe timeout; median grading (elapsed_ms) ${gmed} ms; checks passing: $passed"
	' bench "$bin" "$runs" "$1" "$2"
}

uptime
bench fast 'ip link set br0 down; ip link set wan0 down'
bench slow 'for ns in ns0 ns1 ns2 internet; do ip netns exec $ns iptables -P INPUT DROP; done; iptables -P INPUT DROP'
