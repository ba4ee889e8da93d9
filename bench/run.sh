#!/bin/sh
# run.sh [N]: wall time of `netlab check 2` against bench/verify-veth.sh on
# a solved lesson 2, N runs each (default 50), interleaved, in one run.
# Everything happens in a throwaway private network + mount namespace
# (unshare), so the host's interfaces and /run/netns are never touched.
# Needs root. Prints the median and total of each and the ratio.
set -eu
N=${1:-50}
here=$(cd "$(dirname "$0")" && pwd)
if [ "${NETLAB_BENCH_INSIDE:-}" != 1 ]; then
	bin=$(mktemp -d)/netlab
	(cd "$here/.." && go build -o "$bin" ./cmd/netlab)
	NETLAB_BENCH_INSIDE=1 NETLAB_BIN=$bin exec unshare -n -m sh -c \
		'mount --make-rprivate / && mount -t tmpfs netlab /run/netns && mount -t sysfs sysfs /sys && ip link set lo up && exec "$0" "$@"' \
		"$here/run.sh" "$N"
fi

nl=$NETLAB_BIN
"$nl" solve 2 >/dev/null
"$nl" check 2 >/dev/null || { echo "netlab check 2 fails after solve" >&2; exit 1; }
sh "$here/verify-veth.sh" -q || { echo "verify-veth.sh fails after solve" >&2; exit 1; }

now() { date +%s%N; }
: >/tmp/netlab-bench.$$.nl
: >/tmp/netlab-bench.$$.sh
i=0
while [ $i -lt "$N" ]; do
	t0=$(now); "$nl" check 2 >/dev/null; t1=$(now)
	echo $(((t1 - t0) / 1000)) >>/tmp/netlab-bench.$$.nl
	t0=$(now); sh "$here/verify-veth.sh" -q; t1=$(now)
	echo $(((t1 - t0) / 1000)) >>/tmp/netlab-bench.$$.sh
	i=$((i + 1))
done

stats() { # median and total in ms
	sort -n "$1" | awk '{ a[NR] = $1; s += $1 } END {
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.2f %.1f\n", m / 1000, s / 1000 }'
}
set -- $(stats /tmp/netlab-bench.$$.nl); nm=$1; nt=$2
set -- $(stats /tmp/netlab-bench.$$.sh); sm=$1; st=$2
rm -f /tmp/netlab-bench.$$.nl /tmp/netlab-bench.$$.sh "$nl"
rmdir "$(dirname "$nl")" 2>/dev/null || true
echo "lesson 2, solved state, $N runs each (interleaved, one run)"
printf '  netlab check 2     median %8s ms   total %8s ms\n' "$nm" "$nt"
printf '  verify-veth.sh     median %8s ms   total %8s ms\n' "$sm" "$st"
awk -v a="$nm" -v b="$sm" 'BEGIN { printf "  ratio (shell / netlab, medians): %.2fx\n", b / a }'
