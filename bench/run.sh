#!/bin/sh
# bench/run.sh [-n SAMPLES] [-k 10,50,100] [-no-selftest] [-no-e2e]:
# every figure of issue 11 in one run, written to bench/RESULTS.md.
#
# Builds netlab, a hello-world Go binary, the guided e2e test binary and
# the driver (bench/cmd/netlab-bench), then runs the driver: each scenario
# in a netlab sandbox of its own (private network + mount namespace;
# nothing reaches the host, nothing is left behind). Needs root.
# Defaults (7 samples) finish in about 5 minutes on a 2-core machine;
# pass -n 30 for tighter medians.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/netlab-bench.XXXXXX)
# The sandboxes run as an unprivileged user (root maps to nobody): they
# must reach the binaries built here.
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
e2e=1
args=""
for a in "$@"; do
	case "$a" in
	-no-e2e) e2e=0 ;;
	-no-selftest) args="$args -selftest=false" ;;
	*) args="$args $a" ;;
	esac
done
cd "$here/.."
# netlab is measured as it ships: static and stripped, as packaging/lib.sh
# builds it (a cgo build also pays the dynamic loader on every start),
# and installed, as a package installs it. install(1), like dpkg and cp,
# writes the file with write(2); the Go linker writes its output through
# a shared mapping, and on this machine every start of a file written so
# is slower than of the same bytes written with write(2), for as long as
# the file stays in the page cache: 0.45 ms of a 3.5 ms `netlab check 2`,
# 0.26 ms of `netlab --help`, 0.1 ms of hello-world (paired runs). The
# baselines run installed binaries too (hello-world below; `ip`, `ping`
# and `sh` in the shell verifiers).
mkdir "$tmp/build"
CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$tmp/build/netlab" ./cmd/netlab
CGO_ENABLED=0 go build -o "$tmp/build/hello" ./bench/hello
install -m 0755 "$tmp/build/netlab" "$tmp/build/hello" "$tmp"
go build -o "$tmp/netlab-bench" ./bench/cmd/netlab-bench
e2eflag=""
if [ $e2e = 1 ]; then
	go test -c -o "$tmp/e2e.test" ./guided/e2e/
	e2eflag="-e2e $tmp/e2e.test"
fi
# shellcheck disable=SC2086
"$tmp/netlab-bench" -netlab "$tmp/netlab" -hello "$tmp/hello" -benchdir "$here" \
	-out "$here/RESULTS.md" -cmdline "bench/run.sh$args" $e2eflag $args
