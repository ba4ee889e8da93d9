#!/bin/sh
# verify-iptables.sh: lesson 4's facts checked the classic way, one `ip`,
# `iptables`, `ping` or `nc` process per fact (the baseline of
# `netlab check 4`, see run.sh). Proving that ns2 drops ns0's pings costs
# it one ping timeout (-W 1). Exit 0 when every fact holds, 1 otherwise;
# -q prints nothing.
quiet=${1:-}
. "$(dirname "$0")/facts.sh"
# tcp FROM-NS SERVER-NS LISTEN-IP LISTEN-PORT DIAL-IP DIAL-PORT: a
# connection from FROM-NS reaches a server in SERVER-NS.
tcp() {
	ip netns exec "$2" busybox nc -l -p "$4" -e /bin/true >/dev/null 2>&1 &
	srv=$!
	ok=1
	i=0
	while [ $i -lt 20 ]; do
		if ip netns exec "$1" busybox nc -w 1 "$5" "$6" </dev/null >/dev/null 2>&1; then ok=0; break; fi
		i=$((i + 1))
	done
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	return $ok
}

a=$(ip addr show dev br0 2>/dev/null)
has "$a" "inet 10.0.1.1/24 "; fact "br0 has 10.0.1.1/24" $?
for n in 0 1 2; do
	r=$(ip -n ns$n route show default 2>/dev/null)
	has "$r" "via 10.0.1.1 "; fact "ns$n routes by 10.0.1.1" $?
	ip netns exec ns$n ping -c 1 -W 1 10.0.1.1 >/dev/null 2>&1; fact "ns$n pings 10.0.1.1" $?
done
ip netns exec ns0 ping -c 1 -W 1 10.0.1.12 >/dev/null 2>&1; [ $? != 0 ]; fact "ns0 gets no reply from 10.0.1.12" $?
ip netns exec ns1 ping -c 1 -W 1 10.0.1.12 >/dev/null 2>&1; fact "ns1 pings 10.0.1.12" $?
tcp ns0 ns2 10.0.1.12 7777 10.0.1.12 7777; fact "tcp from ns0 reaches ns2" $?
s=$(ip netns exec ns2 iptables -S INPUT 2>/dev/null)
has "$s" "-s 10.0.1.10/32 -p icmp -j DROP"; fact "ns2 drops icmp from 10.0.1.10" $?
nss=$(ip netns list 2>/dev/null)
has "$nss" "internet"; fact "namespace internet exists" $?
w=$(ip -d link show wan0 2>/dev/null)
has "$w" "veth"; fact "wan0 is a veth" $?
has "$w" "state UP"; fact "wan0 is up" $?
a=$(ip addr show dev wan0 2>/dev/null)
has "$a" "inet 203.0.113.254/24 "; fact "wan0 has 203.0.113.254/24" $?
a=$(ip -n internet addr show dev eth0 2>/dev/null)
has "$a" "inet 203.0.113.1/24 "; fact "eth0 in internet has 203.0.113.1/24" $?
ping -c 1 -W 1 203.0.113.1 >/dev/null 2>&1; fact "root pings 203.0.113.1" $?
r=$(ip -n internet route show 10.0.1.0/24 2>/dev/null)
[ -z "$r" ]; fact "internet has no route to 10.0.1.0/24" $?
[ "$(sysctl -n net.ipv4.ip_forward 2>/dev/null)" = 1 ]; fact "ip_forward is on" $?
ip netns exec ns0 ping -c 1 -W 1 203.0.113.1 >/dev/null 2>&1; fact "ns0 pings 203.0.113.1" $?
tcp ns0 internet 203.0.113.1 7778 203.0.113.1 7778; fact "tcp from ns0 reaches internet" $?
s=$(iptables -t nat -S POSTROUTING 2>/dev/null)
has "$s" "-s 10.0.1.0/24 -o wan0 -j MASQUERADE"; fact "masquerade behind wan0" $?
tcp internet ns1 10.0.1.11 80 203.0.113.254 8080; fact "port 8080 on wan0 reaches ns1:80" $?
s=$(iptables -t nat -S PREROUTING 2>/dev/null)
has "$s" "--dport 8080 -j DNAT --to-destination 10.0.1.11:80"; fact "DNAT 8080 to 10.0.1.11:80" $?
[ $fails = 0 ]
