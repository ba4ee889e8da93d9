#!/bin/sh
# bench/selftest.sh [RUNS] [selftest flags...]: wall time of `netlab selftest`
# for all lessons, RUNS times (default 5), each inside a throwaway sandbox
# (/work/wt/sbx when present, else unshare). Prints every run, the median,
# the CPU time (user+sys) and the load average, since the machine is shared.
set -eu
runs=${1:-5}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
bin=$(mktemp /tmp/netlab-bench.XXXXXX)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" ./cmd/netlab
sbx=/work/wt/sbx
[ -x "$sbx" ] || sbx="unshare -n -m sh -c 'mount --make-rprivate / && mount -t tmpfs netlab /run/netns && mount -t sysfs sysfs /sys && ip link set lo up && exec \"\$@\"' sbx"
times=""
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	out=$(eval "$sbx" /usr/bin/time -f '"%e %U %S"' "$bin" selftest --json "$@" 2>&1 >/dev/null | tail -1) || true
	set -- "$@"
	wall=$(echo "$out" | cut -d' ' -f1)
	cpu=$(echo "$out" | awk '{print $2 + $3}')
	echo "run $i: wall ${wall}s cpu ${cpu}s load $(cut -d' ' -f1-3 /proc/loadavg)"
	times="$times $wall"
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median wall over %d runs: %.2fs (min %.2fs, max %.2fs)\n", NR, a[int((NR+1)/2)], a[1], a[NR]}'
