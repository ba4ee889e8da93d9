#!/bin/sh
# verify-veth.sh: lesson 2's facts checked the classic way, one `ip` or
# `ping` process per fact (the baseline netlab's `check 2` is measured
# against, see run.sh): each fact asks the kernel itself, as a checker
# written fact by fact does, and the output is matched by the shell (no
# grep). Exit 0 when every fact holds, 1 otherwise; -q prints nothing.
quiet=${1:-}
. "$(dirname "$0")/facts.sh"

has "$(ip netns list 2>/dev/null)" "ns0"; fact "namespace ns0 exists" $?
has "$(ip netns list 2>/dev/null)" "ns1"; fact "namespace ns1 exists" $?

has "$(ip -n ns0 link show lo 2>/dev/null)" ",UP"; fact "lo up in ns0" $?
has "$(ip -n ns1 link show lo 2>/dev/null)" ",UP"; fact "lo up in ns1" $?

has "$(ip -n ns0 -d link show veth0 2>/dev/null)" "veth"; fact "veth0 is a veth in ns0" $?
has "$(ip -n ns1 -d link show veth1 2>/dev/null)" "veth"; fact "veth1 is a veth in ns1" $?

# Peers: veth0@ifN where N is veth1's ifindex (the one fact that needs
# two reads).
v1=$(ip -n ns1 -o link show veth1 2>/dev/null)
has "$(ip -n ns0 -o link show veth0 2>/dev/null)" "veth0@if${v1%%:*}:"; fact "veth0 and veth1 are peers" $?

has "$(ip -n ns0 addr show dev veth0 2>/dev/null)" "inet 10.0.0.1/24 "; fact "veth0 has 10.0.0.1/24" $?
has "$(ip -n ns1 addr show dev veth1 2>/dev/null)" "inet 10.0.0.2/24 "; fact "veth1 has 10.0.0.2/24" $?

has "$(ip -n ns0 link show veth0 2>/dev/null)" "state UP"; fact "veth0 operationally up" $?
has "$(ip -n ns1 link show veth1 2>/dev/null)" "state UP"; fact "veth1 operationally up" $?

ip netns exec ns0 ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1; fact "ns0 pings 10.0.0.2" $?
ip netns exec ns1 ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1; fact "ns1 pings 10.0.0.1" $?

[ $fails = 0 ]
