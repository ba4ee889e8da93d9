#!/bin/sh
# verify-veth.sh: lesson 2's facts checked the classic way, one `ip` or
# `ping` process per fact (the baseline netlab's `check 2` is measured
# against, see run.sh). Exit 0 when every fact holds, 1 otherwise; -q
# prints nothing.
quiet=${1:-}
fails=0
fact() { # fact NAME OK(0/1)
	if [ "$2" = 0 ]; then
		[ "$quiet" = -q ] || echo "ok   $1"
	else
		[ "$quiet" = -q ] || echo "FAIL $1"
		fails=$((fails + 1))
	fi
}
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }

nss=$(ip netns list 2>/dev/null)
has "$nss" "ns0"; fact "namespace ns0 exists" $?
has "$nss" "ns1"; fact "namespace ns1 exists" $?

lo0=$(ip -n ns0 link show lo 2>/dev/null)
has "$lo0" ",UP"; fact "lo up in ns0" $?
lo1=$(ip -n ns1 link show lo 2>/dev/null)
has "$lo1" ",UP"; fact "lo up in ns1" $?

v0=$(ip -n ns0 -d link show veth0 2>/dev/null)
has "$v0" "veth"; fact "veth0 is a veth in ns0" $?
v1=$(ip -n ns1 -d link show veth1 2>/dev/null)
has "$v1" "veth"; fact "veth1 is a veth in ns1" $?

# Peers: veth0@ifN where N is veth1's ifindex, and the other way round.
idx1=${v1%%:*}
idx0=${v0%%:*}
has "$v0" "veth0@if$idx1:"; a=$?
has "$v1" "veth1@if$idx0:"; b=$?
[ $a = 0 ] && [ $b = 0 ]; fact "veth0 and veth1 are peers" $?

a0=$(ip -n ns0 addr show dev veth0 2>/dev/null)
has "$a0" "inet 10.0.0.1/24 "; fact "veth0 has 10.0.0.1/24" $?
a1=$(ip -n ns1 addr show dev veth1 2>/dev/null)
has "$a1" "inet 10.0.0.2/24 "; fact "veth1 has 10.0.0.2/24" $?

has "$v0" "state UP"; fact "veth0 operationally up" $?
has "$v1" "state UP"; fact "veth1 operationally up" $?

ip netns exec ns0 ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1; fact "ns0 pings 10.0.0.2" $?
ip netns exec ns1 ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1; fact "ns1 pings 10.0.0.1" $?

[ $fails = 0 ]
