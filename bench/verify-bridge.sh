#!/bin/sh
# verify-bridge.sh: lesson 3's facts checked the classic way, one `ip`,
# `bridge` or `ping` process per fact (the baseline of `netlab check 3`,
# see run.sh). Exit 0 when every fact holds, 1 otherwise; -q prints nothing.
quiet=${1:-}
. "$(dirname "$0")/facts.sh"

br=$(ip -d link show br0 2>/dev/null)
has "$br" "bridge"; fact "br0 is a bridge" $?
has "$br" ",UP"; fact "br0 is up" $?
nss=$(ip netns list 2>/dev/null)
for n in 0 1 2; do
	has "$nss" "ns$n"; fact "namespace ns$n exists" $?
	lo=$(ip -n ns$n link show lo 2>/dev/null)
	has "$lo" ",UP"; fact "lo up in ns$n" $?
done
for n in 0 1 2; do
	e=$(ip -n ns$n -d link show eth0 2>/dev/null)
	peer=$(echo "$e" | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')
	p=$(ip -d link show 2>/dev/null | grep "^$peer:")
	has "$p" "master br0"; fact "eth0 of ns$n is plugged into br0" $?
	has "$e" "state UP"; fact "eth0 in ns$n is up" $?
	a=$(ip -n ns$n addr show dev eth0 2>/dev/null)
	has "$a" "inet 10.0.1.1$n/24 "; fact "eth0 in ns$n has 10.0.1.1$n/24" $?
done
for n in 0 1 2; do
	for m in 0 1 2; do
		[ $n = $m ] && continue
		ip netns exec ns$n ping -c 1 -W 1 10.0.1.1$m >/dev/null 2>&1; fact "ns$n pings 10.0.1.1$m" $?
	done
done
fdb=$(bridge fdb show br br0 2>/dev/null)
for n in 0 1 2; do
	mac=$(ip -n ns$n link show eth0 2>/dev/null | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
	has "$fdb" "$mac"; fact "br0 learned the MAC of eth0 in ns$n" $?
done
[ $fails = 0 ]
