// Code generated from the lesson YAML files by `go generate ./lessons`; DO NOT EDIT.

package lessons

// compiledIndex is, in the lessons' order, what CompiledFor needs to know
// of each lesson before constructing it (see lessonIndex).
var compiledIndex = [...]lessonIndex{
	{ID: 1, Slug: "netns", Namespaces: []string{"ns0"}, New: compiledLesson1},
	{ID: 2, Slug: "veth", Namespaces: []string{"ns0", "ns1"}, New: compiledLesson2},
	{ID: 3, Slug: "bridge", Namespaces: []string{"ns0", "ns1", "ns2"}, New: compiledLesson3},
	{ID: 4, Slug: "iptables", Supersedes: []string{"bridge"}, Namespaces: []string{"ns0", "ns1", "ns2", "internet"}, New: compiledLesson4},
	{ID: 5, Slug: "router", Namespaces: []string{"h1", "router", "h2"}, New: compiledLesson5},
	{ID: 6, Slug: "vxlan", Namespaces: []string{"host1", "host2", "c1", "c2"}, New: compiledLesson6},
	{ID: 7, Slug: "ipv6", Namespaces: []string{"ns0", "ns1", "ns2"}, New: compiledLesson7},
	{ID: 8, Slug: "troubleshoot", Troubleshoot: true, Namespaces: []string{"ns0", "ns1", "ns2", "internet", "h1", "router", "h2"}, New: compiledLesson8},
}

func compiledLesson1() *Lesson {
	return &Lesson{
		ID:    1,
		Slug:  "netns",
		Title: "Network namespaces and loopback",
		Intro: "A **network namespace** is a complete, separate copy of the Linux network\nstack: its own interfaces, addresses, routes, ARP table and firewall\nrules. Every container you have ever run (Docker, Kubernetes pods) lives\nin one. In this lesson you create one, look inside it, and make its\nloopback interface work.\n\nYou will use `ip netns`, which comes with iproute2. Named namespaces are\nkept as files under `/run/netns` (on many systems `/var/run/netns` is the\nsame directory).\n",
		Owns: Owns{
			Namespaces: []string{
				"ns0",
			},
			NSLinks: []string{
				"lo",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
			},
		},
		Steps: []Step{
			Step{
				Title: "Create the namespace ns0",
				Text:  "Create a named network namespace called `ns0`:\n\n    ip netns add ns0\n    ip netns list\n\n`ip netns add` creates a new network namespace and *bind-mounts* it on\n`/run/netns/ns0`, so that it stays alive with no process inside it.\n`ip netns list` should now show `ns0`.\n\nTwo surprises from people who did this before you:\n\n* `ip netns add ns0 ns1` does **not** create two namespaces. It takes one\n  name and silently ignores the rest: only `ns0` appears.\n* A second `ip netns add ns0` fails with\n  `Cannot create namespace file \"/run/netns/ns0\": File exists`.\n\nnetlab checks that `/run/netns/ns0` is a real namespace mount, not just a\nfile that happens to have that name.\n",
				Hints: []Hint{
					Hint{
						Text: "The command is `ip netns add NAME`, one name at a time.",
						Line: 40,
					},
					Hint{
						Text: "/run/netns/ns0 is a leftover file, not a namespace. Remove it (`rm /run/netns/ns0`) and run `ip netns add ns0` again.",
						When: "ns-stale",
						Line: 42,
					},
					Hint{
						Text: "ns0 does not exist yet. `ip netns add ns0` creates it; `ip netns add` takes one name, so `ip netns add ns1 ns0` creates only ns1.",
						When: "ns-missing",
						Line: 44,
					},
				},
				Solution: "test -e /run/netns/ns0 || ip netns add ns0\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "netns", Line: 48, args: []checkArg{{"ns", "ns0"}}},
				},
			},
			Step{
				Title: "Bring up loopback inside ns0",
				Text:  "Look inside the new namespace:\n\n    ip netns exec ns0 ip addr\n\n`ip netns exec ns0 CMD` runs any command inside `ns0`. You see only one\ninterface, `lo`, and it is **DOWN** with no address: a fresh namespace\nstarts with nothing working, not even loopback. (`ip -n ns0 addr` is a\nshorter way to say the same thing to `ip` itself.)\n\nBring it up:\n\n    ip netns exec ns0 ip link set lo up\n    ip netns exec ns0 ip addr\n\n`lo` is now `UP` (its state reads `UNKNOWN`, which is normal for\nloopback) and the kernel gave it `127.0.0.1/8` by itself.\n\nTip: `ip netns exec ns0 bash` opens a shell inside `ns0`, so that you can\ntype plain `ip addr`; `exit` takes you back.\n",
				Hints: []Hint{
					Hint{
						Text: "Run `ip link set lo up` inside ns0: `ip netns exec ns0 ip link set lo up` (or `ip -n ns0 link set lo up`).",
						Line: 73,
					},
					Hint{
						Text: "lo in ns0 is still down. A new namespace always starts with lo down; nothing brings it up for you.",
						When: "lo-down",
						Line: 75,
					},
				},
				Solution: "ip netns exec ns0 ip link set lo up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "link_up", Line: 79, args: []checkArg{{"ns", "ns0"}, {"link", "lo"}}},
					CheckSpec{Kind: "addr", Line: 82, args: []checkArg{{"ns", "ns0"}, {"link", "lo"}, {"addr", "127.0.0.1/8"}}},
				},
			},
			Step{
				Title: "Ping 127.0.0.1 from inside ns0",
				Text:  "Now prove that the stack inside `ns0` works:\n\n    ip netns exec ns0 ping -c 3 127.0.0.1\n\nBefore `lo` was up, this failed at once with\n`ping: connect: Network is unreachable`: the kernel had no route at all,\nnot even to itself. With `lo` up, the local routes exist and the echo\nrequests come back.\n\nnetlab sends its own ICMP echo from inside `ns0` to check this.\n",
				Hints: []Hint{
					Hint{
						Text: "If the ping says `Network is unreachable`, lo in ns0 is still down: go back to step 2.",
						Line: 101,
					},
					Hint{
						Text: "`ping: connect: Network is unreachable` means lo in ns0 is down: without it ns0 has no route at all, not even to 127.0.0.1. `ip -n ns0 link set lo up`.",
						When: "lo-down",
						Line: 103,
					},
				},
				Solution:    "ip netns exec ns0 ping -c 1 -w 3 127.0.0.1\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "ping", Line: 107, args: []checkArg{{"from", "ns0"}, {"to", "127.0.0.1"}, {"local", true}}},
				},
			},
		},
		File: "lessons/01-netns.yaml",
	}
}

func compiledLesson2() *Lesson {
	return &Lesson{
		ID:    2,
		Slug:  "veth",
		Title: "A veth pair between ns0 and ns1",
		Intro: "A namespace on its own is an island: nothing goes in or out. To connect\ntwo of them you need a **veth pair**: two virtual Ethernet interfaces\njoined by a virtual cable. Whatever is sent into one end comes out of the\nother, even when the two ends live in different namespaces.\n\nThis is exactly how a container gets its network: one end of a veth pair\nis the container's `eth0`, the other end stays on the host. In this\nlesson you wire two namespaces, `ns0` and `ns1`, back to back:\n\n    ns0: veth0 10.0.0.1/24  <======>  ns1: veth1 10.0.0.2/24\n",
		Owns: Owns{
			Namespaces: []string{
				"ns0",
				"ns1",
			},
			Links: []string{
				"veth0",
				"veth1",
			},
			NSLinks: []string{
				"lo",
				"veth0",
				"veth1",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"10.0.0.1/24",
				"10.0.0.2/24",
			},
		},
		Steps: []Step{
			Step{
				Title: "Create ns0 and ns1, with lo up in both",
				Text:  "Start from two namespaces. (Each guided lesson starts in a fresh lab;\nonly where you work on the host itself, with `--host`, can `ns0` still\nexist from lesson 1: then `ip netns add ns0` says `File exists`, and\nyou only need `ns1`.)\n\n    ip netns add ns0\n    ip netns add ns1\n    ip -n ns0 link set lo up\n    ip -n ns1 link set lo up\n    ip netns list\n\n`ip -n ns0 ...` is short for `ip netns exec ns0 ip ...`: it tells `ip`\nitself to work inside `ns0`. Remember that `ip netns add` takes **one**\nname: `ip netns add ns0 ns1` creates only `ns0`.\n\nLoopback is not needed for the link between the namespaces, but a\nnamespace whose `lo` is down cannot even reach itself; bring it up\nevery time you create one, it is a good habit.\n\n`ip netns list` should show both `ns0` and `ns1`.\n",
				Hints: []Hint{
					Hint{
						Text: "Two commands: `ip netns add ns0` and `ip netns add ns1`, then `ip -n ns0 link set lo up` and `ip -n ns1 link set lo up`.",
						Line: 44,
					},
					Hint{
						Text: "A namespace is missing. `ip netns add` takes one name at a time: run it once per namespace.",
						When: "ns-missing",
						Line: 46,
					},
					Hint{
						Text: "lo is still down in {ns}: `ip -n {ns} link set lo up`.",
						When: "lo-down",
						Line: 48,
					},
				},
				Solution: "# ns0 may be left from lesson 1; ip netns add refuses an existing name.\ntest -e /run/netns/ns0 || ip netns add ns0\ntest -e /run/netns/ns1 || ip netns add ns1\nip -n ns0 link set lo up\nip -n ns1 link set lo up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "netns", Line: 56, args: []checkArg{{"ns", "ns0"}}},
					CheckSpec{Kind: "netns", Line: 58, args: []checkArg{{"ns", "ns1"}}},
					CheckSpec{Kind: "link_up", Line: 60, args: []checkArg{{"ns", "ns0"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 63, args: []checkArg{{"ns", "ns1"}, {"link", "lo"}}},
				},
			},
			Step{
				Title: "Create the veth pair veth0 <-> veth1",
				Text:  "A veth pair is always created as a pair, with one command:\n\n    ip link add veth0 type veth peer name veth1\n    ip link show type veth\n\nThe command runs in the namespace you are in (here the lab's root\nnamespace), so both ends appear there for now. `ip link` shows them\nas `veth0@veth1` and `veth1@veth0`: the name after `@` is the peer.\nBoth are `DOWN` and have no address yet.\n\nYou cannot create \"half\" a veth, and deleting one end\n(`ip link del veth0`) deletes the other end too.\n\n(You may also create the ends directly where they belong:\n`ip link add veth0 netns ns0 type veth peer name veth1 netns ns1`.\nnetlab grades the result, not the keystrokes.)\n",
				Hints: []Hint{
					Hint{
						Text: "`ip link add veth0 type veth peer name veth1` creates both ends at once.",
						Line: 86,
					},
					Hint{
						Text: "A link called veth0 exists but is paired with something else. Delete it (`ip link del veth0`) and create the pair again with `peer name veth1`.",
						When: "wrong-peer",
						Line: 88,
					},
					Hint{
						Text: "veth0 exists, but it is not a veth. Delete it (`ip link del veth0`) and use `type veth peer name veth1`.",
						When: "link-wrong-type",
						Line: 90,
					},
				},
				Solution: "ip link show veth0 >/dev/null 2>&1 || ip -n ns0 link show veth0 >/dev/null 2>&1 || ip link add veth0 type veth peer name veth1\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "veth_pair", Line: 94, args: []checkArg{{"ns", "*"}, {"link", "veth0"}, {"peer", "veth1"}, {"peer_ns", "*"}}},
				},
			},
			Step{
				Title: "Move veth0 into ns0 and veth1 into ns1",
				Text:  "Now plug each end of the cable into its namespace:\n\n    ip link set veth0 netns ns0\n    ip link set veth1 netns ns1\n\nAn interface belongs to exactly one namespace at a time. Moving it\nmakes it vanish from the root namespace (`ip link` no longer shows\nit) and appear inside the target:\n\n    ip -n ns0 link\n    ip -n ns1 link\n\nInside `ns0` you now see `veth0@if5` (or another number): the peer is\nin another namespace, so `ip` can only show its interface index.\nMoving an interface also takes it down and removes its addresses,\nwhich is why addresses come in the next step, not before.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip link set veth0 netns ns0` and `ip link set veth1 netns ns1`, run from the root namespace where the ends are now.",
						Line: 119,
					},
					Hint{
						Text: "One end is still in the root namespace: move it with `ip link set NAME netns NS`.",
						When: "veth-not-moved",
						Line: 121,
					},
					Hint{
						Text: "An end is in the wrong namespace. Move it over: `ip -n WRONG link set NAME netns RIGHT`.",
						When: "link-wrong-ns",
						Line: 123,
					},
					Hint{
						Text: "veth1 ended up in the wrong namespace: `ip -n WRONG link set veth1 netns ns1`.",
						When: "peer-wrong-ns",
						Line: 125,
					},
				},
				Solution: "ip -n ns0 link show veth0 >/dev/null 2>&1 || ip link set veth0 netns ns0\nip -n ns1 link show veth1 >/dev/null 2>&1 || ip link set veth1 netns ns1\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "veth_pair", Line: 130, args: []checkArg{{"ns", "ns0"}, {"link", "veth0"}, {"peer", "veth1"}, {"peer_ns", "ns1"}}},
				},
			},
			Step{
				Title: "Give veth0 10.0.0.1/24 and veth1 10.0.0.2/24",
				Text:  "Give each end an address on the same /24:\n\n    ip -n ns0 addr add 10.0.0.1/24 dev veth0\n    ip -n ns1 addr add 10.0.0.2/24 dev veth1\n    ip -n ns0 addr show veth0\n\nThe `/24` matters: it tells the kernel that all of 10.0.0.0-10.0.0.255\nis directly reachable through `veth0`, so it adds a route\n`10.0.0.0/24 dev veth0` by itself once the link is up. With\n`10.0.0.1/32` there would be no such route, and `ns0` would not know\nhow to reach 10.0.0.2.\n\nPut each address on its own end: 10.0.0.1 inside `ns0`, 10.0.0.2 inside\n`ns1`.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n ns0 addr add 10.0.0.1/24 dev veth0` and `ip -n ns1 addr add 10.0.0.2/24 dev veth1`.",
						Line: 153,
					},
					Hint{
						Text: "The address has the wrong prefix length. Delete it (`ip -n NS addr del ADDR/LEN dev DEV`) and add it again with /24.",
						When: "wrong-prefix",
						Line: 155,
					},
					Hint{
						Text: "The address is on the other end of the pair. 10.0.0.1 belongs on veth0 in ns0, 10.0.0.2 on veth1 in ns1.",
						When: "addr-wrong-end",
						Line: 157,
					},
					Hint{
						Text: "The address is on the wrong interface of the namespace: it must be on the veth end.",
						When: "addr-wrong-link",
						Line: 159,
					},
				},
				Solution: "ip -n ns0 addr replace 10.0.0.1/24 dev veth0\nip -n ns1 addr replace 10.0.0.2/24 dev veth1\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr", Line: 164, args: []checkArg{{"ns", "ns0"}, {"link", "veth0"}, {"addr", "10.0.0.1/24"}}},
					CheckSpec{Kind: "addr", Line: 168, args: []checkArg{{"ns", "ns1"}, {"link", "veth1"}, {"addr", "10.0.0.2/24"}}},
				},
			},
			Step{
				Title: "Bring both ends up",
				Text:  "Interfaces start administratively down. Bring both ends up:\n\n    ip -n ns0 link set veth0 up\n    ip -n ns1 link set veth1 up\n    ip -n ns0 link show veth0\n\nWatch the state after the first command alone: `veth0` says\n`state LOWERLAYERDOWN` (flags `NO-CARRIER,UP`). A veth is like a cable:\nit only has a carrier when **both** ends are up. After the second\ncommand both ends read `state UP` and show `LOWER_UP`.\n\nnetlab checks the operational state, not only the admin flag.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n ns0 link set veth0 up` and `ip -n ns1 link set veth1 up`: both ends, each in its namespace.",
						Line: 188,
					},
					Hint{
						Text: "One end is up but its peer is down: a veth has carrier only when both ends are up.",
						When: "peer-down",
						Line: 190,
					},
					Hint{
						Text: "{link} in {ns} is down: `ip -n {ns} link set {link} up`.",
						When: "link-down",
						Line: 192,
					},
				},
				Solution: "ip -n ns0 link set veth0 up\nip -n ns1 link set veth1 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "link_up", Line: 197, args: []checkArg{{"ns", "ns0"}, {"link", "veth0"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 201, args: []checkArg{{"ns", "ns1"}, {"link", "veth1"}, {"oper", true}}},
				},
			},
			Step{
				Title: "Ping across the pair",
				Text:  "Now the cable works. Ping each side from the other:\n\n    ip netns exec ns0 ping -c 3 10.0.0.2\n    ip netns exec ns1 ping -c 3 10.0.0.1\n\nThe first echo request makes `ns0` ask \"who has 10.0.0.2?\" (ARP) over\nthe veth; `ns1` answers with `veth1`'s MAC, and from then on the\nechoes flow. `ip -n ns0 neigh` shows the learned entry.\n\nDo not be fooled by `ip netns exec ns0 ping 10.0.0.1`: that is `ns0`'s\nown address, it answers even with no cable at all. netlab sends its\nown echo requests from each namespace to the *other* end.\n",
				Hints: []Hint{
					Hint{
						Text: "If the ping says `Network is unreachable`, the address or its /24 is missing; if it just gets no answer, check that both ends are up (step 5).",
						Line: 222,
					},
					Hint{
						Text: "The ping goes nowhere: that address is the namespace's own, so it proves nothing. Ping the other end.",
						When: "ping-self",
						Line: 224,
					},
					Hint{
						Text: "No reply: check `ip -n ns0 addr`, `ip -n ns1 addr` and that both ends say state UP.",
						When: "no-reply",
						Line: 226,
					},
					Hint{
						Text: "ns0 has nothing but lo: the veth pair is still in the root namespace where you created it. Move the ends: `ip link set veth0 netns ns0`, `ip link set veth1 netns ns1`.",
						When: "veth-not-moved",
						Line: 228,
					},
					Hint{
						Text: "`Network is unreachable`: an address without /24 is a /32, a network of one address, so there is no route to the other end. Delete it and add it again with /24.",
						When: "wrong-prefix",
						Line: 230,
					},
					Hint{
						Text: "Both ends have the same address, so the namespace answers its own ping. Give veth1 10.0.0.2/24 (and remove the duplicate).",
						When: "dup-addr",
						Line: 232,
					},
					Hint{
						Text: "The other end of the pair is down: `ip -n ns1 link set veth1 up` (a veth carries nothing until both ends are up).",
						When: "peer-down",
						Line: 234,
					},
					Hint{
						Text: "The address you ping is on no interface of the other end: `ip -n ns1 addr add 10.0.0.2/24 dev veth1` (and 10.0.0.1/24 on veth0 in ns0).",
						When: "addr-missing",
						Line: 236,
					},
					Hint{
						Text: "A firewall rule dropped the pings (the why names it, with a command to delete it): `ip netns exec NS iptables -S` shows a namespace's rules.",
						When: "dropped-by-rule",
						Line: 238,
					},
				},
				Solution:    "ip netns exec ns0 ping -c 1 -w 3 10.0.0.2\nip netns exec ns1 ping -c 1 -w 3 10.0.0.1\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "ping", Line: 243, args: []checkArg{{"from", "ns0"}, {"to", "10.0.0.2"}}},
					CheckSpec{Kind: "ping", Line: 246, args: []checkArg{{"from", "ns1"}, {"to", "10.0.0.1"}}},
				},
			},
		},
		File: "lessons/02-veth.yaml",
	}
}

func compiledLesson3() *Lesson {
	return &Lesson{
		ID:    3,
		Slug:  "bridge",
		Title: "Three namespaces on a bridge",
		Intro: "A veth pair connects exactly two namespaces. To connect many, you need a\nswitch: Linux has one built in, the **bridge**. A bridge is a virtual\nswitch that lives in a namespace (here the lab's root namespace); you\nplug interfaces into it as **ports**, and it forwards Ethernet frames\nbetween them, learning which MAC address sits behind which port.\n\nThis is what Docker's `docker0` is: a bridge in the host's namespace, and\nfor every container a veth pair with one end (`eth0`) in the container\nand the other end plugged into `docker0`. You build the same here:\n\n                      br0 (root namespace)\n                 /          |          \\\n         veth-ns0       veth-ns1       veth-ns2\n             |              |              |\n    ns0: eth0 10.0.1.10  ns1: eth0 10.0.1.11  ns2: eth0 10.0.1.12\n",
		Owns: Owns{
			Namespaces: []string{
				"ns0",
				"ns1",
				"ns2",
			},
			Links: []string{
				"br0",
				"veth-ns0",
				"veth-ns1",
				"veth-ns2",
			},
			Ports: map[string][]string{
				"br0": []string{
					"veth-ns0",
					"veth-ns1",
					"veth-ns2",
				},
			},
			NSLinks: []string{
				"lo",
				"eth0",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"10.0.1.10/24",
				"10.0.1.11/24",
				"10.0.1.12/24",
			},
			Rules: []RuleSpec{
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "br0",
					Oif:     "br0",
				},
			},
		},
		Steps: []Step{
			Step{
				Title: "Create the bridge br0 and bring it up",
				Text:  "Create a bridge in the lab's root namespace and switch it on:\n\n    ip link add br0 type bridge\n    ip link set br0 up\n    ip -d link show br0\n\n`ip -d` (details) prints `bridge forward_delay ...`: it is a bridge.\nWith no ports yet its state reads `DOWN` or `UNKNOWN` even though you\nset it up: a bridge has carrier only once a port is up. netlab checks\nthe admin state here.\n\nThe older tool `brctl addbr br0` (bridge-utils) does the same; `ip`\nand `bridge` from iproute2 are what you will find everywhere today.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip link add br0 type bridge`, then `ip link set br0 up`.",
						Line: 46,
					},
					Hint{
						Text: "br0 exists but is down: `ip link set br0 up`.",
						When: "link-down",
						Line: 48,
					},
					Hint{
						Text: "br0 exists but is not a bridge. Delete it (`ip link del br0`) and create it with `type bridge`.",
						When: "link-wrong-type",
						Line: 50,
					},
				},
				Solution: "ip link show br0 >/dev/null 2>&1 || ip link add br0 type bridge\nip link set br0 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "link_exists", Line: 55, args: []checkArg{{"link", "br0"}, {"type", "bridge"}}},
					CheckSpec{Kind: "link_up", Line: 58, args: []checkArg{{"link", "br0"}}},
				},
			},
			Step{
				Title: "Create ns0, ns1 and ns2, with lo up in each",
				Text:  "Three namespaces play three containers. (Each guided lesson starts\nin a fresh lab. Only where you work on the host itself, with\n`--host`, can `ns0` and `ns1` still exist from lesson 2: keep them\nand add only what is missing, since the old veth pair does no harm,\nor start clean with `netlab reset 2`.)\n\n    ip netns add ns0\n    ip netns add ns1\n    ip netns add ns2\n    ip -n ns0 link set lo up\n    ip -n ns1 link set lo up\n    ip -n ns2 link set lo up\n\n`ip netns list` should show all three.\n",
				Hints: []Hint{
					Hint{
						Text: "One `ip netns add NAME` per namespace, then `ip -n NAME link set lo up` in each.",
						Line: 78,
					},
					Hint{
						Text: "Namespace {ns} is missing: `ip netns add {ns}` (`ip netns add` takes one name at a time).",
						When: "ns-missing",
						Line: 80,
					},
					Hint{
						Text: "lo is down in {ns}: `ip -n {ns} link set lo up`.",
						When: "lo-down",
						Line: 82,
					},
				},
				Solution: "# ns0 and ns1 may be left from lessons 1 and 2: ip netns add refuses an existing name.\ntest -e /run/netns/ns0 || ip netns add ns0\ntest -e /run/netns/ns1 || ip netns add ns1\ntest -e /run/netns/ns2 || ip netns add ns2\nip -n ns0 link set lo up\nip -n ns1 link set lo up\nip -n ns2 link set lo up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "netns", Line: 92, args: []checkArg{{"ns", "ns0"}}},
					CheckSpec{Kind: "netns", Line: 94, args: []checkArg{{"ns", "ns1"}}},
					CheckSpec{Kind: "netns", Line: 96, args: []checkArg{{"ns", "ns2"}}},
					CheckSpec{Kind: "link_up", Line: 98, args: []checkArg{{"ns", "ns0"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 101, args: []checkArg{{"ns", "ns1"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 104, args: []checkArg{{"ns", "ns2"}, {"link", "lo"}}},
				},
			},
			Step{
				Title: "Plug each namespace into br0 with a veth pair",
				Text:  "For each namespace, create a veth pair whose one end is `eth0` inside\nthe namespace and whose other end is a port of `br0`. For `ns0`:\n\n    ip link add veth-ns0 type veth peer name eth0 netns ns0\n    ip link set veth-ns0 master br0\n    ip link set veth-ns0 up\n    ip -n ns0 link set eth0 up\n\n`peer name eth0 netns ns0` creates the peer directly inside `ns0`:\nthere can be one `eth0` in every namespace, but not three in the root\nnamespace. `ip link set veth-ns0 master br0` plugs the root end into\nthe bridge (the old way: `brctl addif br0 veth-ns0`). Do the same for\n`ns1` (`veth-ns1`) and `ns2` (`veth-ns2`).\n\nCheck your work:\n\n    bridge link\n    ip -n ns0 link show eth0\n\n`bridge link` lists the three ports with `master br0 state forwarding`;\neach `eth0` says `state UP`. A veth has carrier only when both ends\nare up, so if `eth0` says `LOWERLAYERDOWN`, its bridge end is still down.\n",
				Hints: []Hint{
					Hint{
						Text: "Per namespace: `ip link add veth-nsN type veth peer name eth0 netns nsN`, `ip link set veth-nsN master br0`, `ip link set veth-nsN up`, `ip -n nsN link set eth0 up`.",
						Line: 133,
					},
					Hint{
						Text: "The bridge end of that veth is not a port of br0: `ip link set NAME master br0` (or `brctl addif br0 NAME`).",
						When: "port-not-attached",
						Line: 135,
					},
					Hint{
						Text: "The other end of eth0 is not in the root namespace where br0 is, so it cannot be a port of br0. Move it back: `ip -n NS link set NAME netns 1`.",
						When: "port-wrong-ns",
						Line: 137,
					},
					Hint{
						Text: "eth0 is not inside the namespace: move it with `ip link set eth0 netns NS` (or create the peer there directly with `peer name eth0 netns NS`).",
						When: "veth-not-moved",
						Line: 139,
					},
					Hint{
						Text: "eth0 is up but its bridge end is down: `ip link set NAME up` in the root namespace.",
						When: "peer-down",
						Line: 141,
					},
					Hint{
						Text: "eth0 in {ns} is down: `ip -n {ns} link set eth0 up`.",
						When: "link-down",
						Line: 143,
					},
				},
				Solution: "ip link show veth-ns0 >/dev/null 2>&1 || ip link add veth-ns0 type veth peer name eth0 netns ns0\nip link show veth-ns1 >/dev/null 2>&1 || ip link add veth-ns1 type veth peer name eth0 netns ns1\nip link show veth-ns2 >/dev/null 2>&1 || ip link add veth-ns2 type veth peer name eth0 netns ns2\nip link set veth-ns0 master br0\nip link set veth-ns1 master br0\nip link set veth-ns2 master br0\nip link set veth-ns0 up\nip link set veth-ns1 up\nip link set veth-ns2 up\nip -n ns0 link set eth0 up\nip -n ns1 link set eth0 up\nip -n ns2 link set eth0 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "bridge_port", Line: 158, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "bridge_port", Line: 162, args: []checkArg{{"ns", "ns1"}, {"link", "eth0"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "bridge_port", Line: 166, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "link_up", Line: 170, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 174, args: []checkArg{{"ns", "ns1"}, {"link", "eth0"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 178, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"oper", true}}},
				},
			},
			Step{
				Title: "Address each eth0 on 10.0.1.0/24",
				Text:  "Put the three namespaces on one subnet:\n\n    ip -n ns0 addr add 10.0.1.10/24 dev eth0\n    ip -n ns1 addr add 10.0.1.11/24 dev eth0\n    ip -n ns2 addr add 10.0.1.12/24 dev eth0\n\nThe bridge itself needs no address to forward frames: it works at\nlayer 2, like a plain switch. (In lesson 4 you give it one, to make it\nthe namespaces' gateway.) The `/24` again makes each namespace treat\nthe whole 10.0.1.0/24 as directly reachable through its `eth0`.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n ns0 addr add 10.0.1.10/24 dev eth0`, and .11 for ns1, .12 for ns2.",
						Line: 196,
					},
					Hint{
						Text: "The prefix length is wrong: delete the address and add it again with /24.",
						When: "wrong-prefix",
						Line: 198,
					},
					Hint{
						Text: "An address is in the wrong namespace: ns0 gets .10, ns1 .11, ns2 .12.",
						When: "addr-wrong-end",
						Line: 200,
					},
					Hint{
						Text: "The address is on the wrong interface: it belongs on eth0.",
						When: "addr-wrong-link",
						Line: 202,
					},
					Hint{
						Text: "Two namespaces have the same address: each eth0 needs its own (ns0 .10, ns1 .11, ns2 .12). Delete the duplicate with `ip -n NS addr del ...`.",
						When: "dup-addr",
						Line: 204,
					},
				},
				Solution: "ip -n ns0 addr replace 10.0.1.10/24 dev eth0\nip -n ns1 addr replace 10.0.1.11/24 dev eth0\nip -n ns2 addr replace 10.0.1.12/24 dev eth0\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr", Line: 210, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"addr", "10.0.1.10/24"}}},
					CheckSpec{Kind: "addr", Line: 214, args: []checkArg{{"ns", "ns1"}, {"link", "eth0"}, {"addr", "10.0.1.11/24"}}},
					CheckSpec{Kind: "addr", Line: 218, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"addr", "10.0.1.12/24"}}},
				},
			},
			Step{
				Title: "Every namespace pings the other two",
				Text:  "Try all six directions:\n\n    ip netns exec ns0 ping -c 2 10.0.1.11\n    ip netns exec ns0 ping -c 2 10.0.1.12\n    ip netns exec ns1 ping -c 2 10.0.1.10\n    ip netns exec ns1 ping -c 2 10.0.1.12\n    ip netns exec ns2 ping -c 2 10.0.1.10\n    ip netns exec ns2 ping -c 2 10.0.1.11\n\nEach ping starts with an ARP broadcast, which the bridge floods out of\nevery port; the owner answers, and the bridge forwards the reply only\nto the port the asker is behind.\n\nIf pings between namespaces get no reply although everything looks\nright, look at `sysctl net.bridge.bridge-nf-call-iptables`: when it is\n1 (the `br_netfilter` module is loaded, as on every machine with\nDocker), bridged frames also pass iptables' `FORWARD` chain, and\nDocker sets its policy to `DROP`. Let the bridge's own traffic through\nwith `iptables -I FORWARD -i br0 -o br0 -j ACCEPT` (`netlab reset`\nremoves that rule again, as it names br0).\n",
				Hints: []Hint{
					Hint{
						Text: "If one namespace cannot reach another, check its eth0 (`ip -n NS addr`, `ip -n NS link`) and that its bridge end is a port and up (`bridge link`).",
						Line: 247,
					},
					Hint{
						Text: "No reply: is every port of br0 up and in state forwarding (`bridge link`)?",
						When: "no-reply",
						Line: 249,
					},
					Hint{
						Text: "The kernel has no route: the address or its /24 is missing (step 4).",
						When: "no-route",
						Line: 251,
					},
					Hint{
						Text: "br0 is down, so it forwards nothing between its ports: `ip link set br0 up`.",
						When: "bridge-down",
						Line: 253,
					},
					Hint{
						Text: "One namespace's cable is not plugged into the bridge: `ip link set veth-nsN master br0`.",
						When: "port-not-attached",
						Line: 255,
					},
					Hint{
						Text: "A bridge port is down: `ip link set veth-nsN up` (check with `bridge link`).",
						When: "port-down",
						Line: 257,
					},
					Hint{
						Text: "A port of br0 is not in STP state forwarding (`bridge link` shows it). Wait for STP to settle, or turn STP off: `ip link set br0 type bridge stp_state 0`.",
						When: "port-not-forwarding",
						Line: 259,
					},
					Hint{
						Text: "The bridge is fine, but br_netfilter hands bridged frames to iptables, and the FORWARD policy is DROP (Docker does this). Accept them: `iptables -A FORWARD -i br0 -o br0 -j ACCEPT` (or `sysctl -w net.bridge.bridge-nf-call-iptables=0`).",
						When: "br-netfilter-drop",
						Line: 261,
					},
					Hint{
						Text: "A firewall rule dropped the pings (the why names it, with a command to delete it). A namespace's own INPUT chain filters what reaches it: `ip netns exec NS iptables -S`.",
						When: "dropped-by-rule",
						Line: 263,
					},
					Hint{
						Text: "The address you ping is on no eth0 behind the bridge: check `ip -n NS addr` in each namespace (step 4).",
						When: "addr-missing",
						Line: 265,
					},
					Hint{
						Text: "Two ports of br0 are isolated: an isolated port talks only to ports that are not. `bridge -d link show` shows `isolated on`; turn it off with `bridge link set dev PORT isolated off`.",
						When: "port-isolated",
						Line: 267,
					},
					Hint{
						Text: "A port of br0 floods no broadcast, so ARP requests never cross it. `bridge -d link show` shows `bcast_flood off`; `bridge link set dev PORT bcast_flood on`.",
						When: "port-bcast-flood-off",
						Line: 269,
					},
					Hint{
						Text: "A port of br0 has flooding off while the bridge cannot learn the MAC behind it: frames for that namespace go nowhere. `bridge link set dev PORT flood on learning on`.",
						When: "port-flood-off",
						Line: 271,
					},
					Hint{
						Text: "A port of br0 is locked (`locked on` in `bridge -d link show`): it drops frames from MACs it has no fdb entry for. `bridge link set dev PORT locked off`.",
						When: "port-locked",
						Line: 273,
					},
				},
				Solution:    "ip netns exec ns0 ping -c 1 -w 3 10.0.1.11\nip netns exec ns0 ping -c 1 -w 3 10.0.1.12\nip netns exec ns1 ping -c 1 -w 3 10.0.1.10\nip netns exec ns1 ping -c 1 -w 3 10.0.1.12\nip netns exec ns2 ping -c 1 -w 3 10.0.1.10\nip netns exec ns2 ping -c 1 -w 3 10.0.1.11\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "ping", Line: 282, args: []checkArg{{"from", "ns0"}, {"to", "10.0.1.11"}}},
					CheckSpec{Kind: "ping", Line: 285, args: []checkArg{{"from", "ns0"}, {"to", "10.0.1.12"}}},
					CheckSpec{Kind: "ping", Line: 288, args: []checkArg{{"from", "ns1"}, {"to", "10.0.1.10"}}},
					CheckSpec{Kind: "ping", Line: 291, args: []checkArg{{"from", "ns1"}, {"to", "10.0.1.12"}}},
					CheckSpec{Kind: "ping", Line: 294, args: []checkArg{{"from", "ns2"}, {"to", "10.0.1.10"}}},
					CheckSpec{Kind: "ping", Line: 297, args: []checkArg{{"from", "ns2"}, {"to", "10.0.1.11"}}},
				},
			},
			Step{
				Title: "Read what the bridge has learned",
				Text:  "A switch learns: every frame that enters a port teaches it \"this\nsource MAC is behind this port\". Look at the bridge's forwarding\ndatabase:\n\n    bridge fdb show br br0\n    ip -n ns0 link show eth0\n\nFind `eth0`'s MAC (`link/ether ...`) of each namespace in the list, as\n`... dev veth-ns0 master br0`: the bridge learned it on the port that\nleads to `ns0`. Entries marked `permanent` are the bridge's own ports.\nLearned entries age out after 300 seconds of silence; a new ping\nteaches the bridge again.\n\nnetlab checks this after its own pings, so traffic from step 5 is what\nfills the table.\n",
				Hints: []Hint{
					Hint{
						Text: "Ping between the namespaces (step 5), then look at `bridge fdb show br br0`.",
						Line: 320,
					},
					Hint{
						Text: "The bridge has not learned that MAC yet: no frame from that namespace has crossed it. Ping from it.",
						When: "fdb-not-learned",
						Line: 322,
					},
					Hint{
						Text: "Learning is off on a port: the bridge floods that namespace's frames but never records its MAC. Turn it back on with `bridge link set dev PORT learning on` (`bridge -d link show` shows the flag).",
						When: "port-learning-off",
						Line: 324,
					},
					Hint{
						Text: "br0 forgets every MAC at once: its ageing_time is 0 (`ip -d link show br0`). Give it the default back: `ip link set br0 type bridge ageing_time 30000`.",
						When: "fdb-ageing-zero",
						Line: 326,
					},
				},
				Solution:    "bridge fdb show br br0\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "fdb", Line: 330, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "fdb", Line: 334, args: []checkArg{{"ns", "ns1"}, {"link", "eth0"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "fdb", Line: 338, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"bridge", "br0"}}},
				},
			},
		},
		File: "lessons/03-bridge.yaml",
	}
}

func compiledLesson4() *Lesson {
	return &Lesson{
		ID:       4,
		Slug:     "iptables",
		Title:    "Filtering and NAT (docker0 by hand)",
		Intro:    "Lesson 3 built a switch; this lesson turns it into what Docker builds on\nevery host: the bridge becomes the **gateway** of the namespaces, a\nfirewall rule filters traffic inside one of them, the lab's root\nnamespace **masquerades** their traffic to an \"internet\", and a **port\nforward** lets the internet reach a server inside a namespace, like\n`docker run -p 8080:80`.\n\nIt starts from lesson 3's finished state (`netlab solve 3` builds it).\nThe firewall rules are written with `iptables`; `nft` works just as\nwell, netlab reads the kernel's ruleset either way.\n\n     internet: eth0 203.0.113.1/24\n            |\n      wan0 203.0.113.254/24  (root namespace, forwarding + NAT)\n      br0  10.0.1.1/24\n       /        |        \\\n    ns0 .10   ns1 .11   ns2 .12\n",
		Requires: "bridge",
		Owns: Owns{
			Namespaces: []string{
				"ns0",
				"ns1",
				"ns2",
				"internet",
			},
			Links: []string{
				"br0",
				"veth-ns0",
				"veth-ns1",
				"veth-ns2",
				"wan0",
			},
			Addrs: map[string][]string{
				"br0": []string{
					"10.0.1.1/24",
				},
				"wan0": []string{
					"203.0.113.254/24",
				},
			},
			Ports: map[string][]string{
				"br0": []string{
					"veth-ns0",
					"veth-ns1",
					"veth-ns2",
				},
			},
			NSLinks: []string{
				"lo",
				"eth0",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"10.0.1.10/24",
				"10.0.1.11/24",
				"10.0.1.12/24",
				"203.0.113.1/24",
			},
			Rules: []RuleSpec{
				RuleSpec{
					Hook:    "postrouting",
					Verdict: "masquerade",
					Saddr:   "10.0.1.0/24",
					Oif:     "wan0",
				},
				RuleSpec{
					Hook:    "prerouting",
					Verdict: "dnat",
					Iif:     "wan0",
					Proto:   "tcp",
					Dport:   "8080",
					To:      "10.0.1.11:80",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "br0",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "br0",
					Oif:     "wan0",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "wan0",
					Oif:     "br0",
					CtState: "established,related",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Daddr:   "10.0.1.11/32",
					Iif:     "wan0",
					Oif:     "br0",
					Proto:   "tcp",
					Dport:   "80",
				},
				RuleSpec{
					Hook:    "input",
					Verdict: "drop",
					Saddr:   "10.0.1.10/32",
					Proto:   "icmp",
				},
			},
			Sysctls: []string{
				"net.ipv4.ip_forward",
			},
		},
		Steps: []Step{
			Step{
				Title: "Make br0 the gateway of ns0, ns1 and ns2",
				Text:  "So far the bridge only switched frames. Give it an address on the\nnamespaces' subnet, and it also becomes a host on that subnet: the\nroot namespace can now talk to the namespaces, and route for them.\n\n    ip addr add 10.0.1.1/24 dev br0\n    ip -n ns0 route add default via 10.0.1.1\n    ip -n ns1 route add default via 10.0.1.1\n    ip -n ns2 route add default via 10.0.1.1\n    ip netns exec ns0 ping -c 2 10.0.1.1\n\nA **default route** says \"whatever has no more specific route goes to\n10.0.1.1\". `ip -n ns0 route` now shows `default via 10.0.1.1 dev eth0`\nabove the subnet's own route. This is exactly what `docker0`\n(172.17.0.1) is to every container.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip addr add 10.0.1.1/24 dev br0`, then in each namespace `ip -n NS route add default via 10.0.1.1`.",
						Line: 67,
					},
					Hint{
						Text: "{ns} has no default route: `ip -n {ns} route add default via 10.0.1.1`.",
						When: "no-default-route",
						Line: 69,
					},
					Hint{
						Text: "The default route of {ns} points at the wrong gateway: `ip -n {ns} route replace default via 10.0.1.1`.",
						When: "wrong-gateway",
						Line: 71,
					},
					Hint{
						Text: "br0's address has the wrong prefix: delete it and add 10.0.1.1/24.",
						When: "wrong-prefix",
						Line: 73,
					},
					Hint{
						Text: "br0 has no 10.0.1.1/24: `ip addr add 10.0.1.1/24 dev br0` (in the root namespace, on the bridge itself).",
						When: "addr-missing",
						Line: 75,
					},
				},
				Solution: "ip addr replace 10.0.1.1/24 dev br0\nip -n ns0 route replace default via 10.0.1.1\nip -n ns1 route replace default via 10.0.1.1\nip -n ns2 route replace default via 10.0.1.1\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr", Line: 82, args: []checkArg{{"link", "br0"}, {"addr", "10.0.1.1/24"}}},
					CheckSpec{Kind: "route", Line: 85, args: []checkArg{{"ns", "ns0"}, {"dst", "default"}, {"via", "10.0.1.1"}}},
					CheckSpec{Kind: "route", Line: 89, args: []checkArg{{"ns", "ns1"}, {"dst", "default"}, {"via", "10.0.1.1"}}},
					CheckSpec{Kind: "route", Line: 93, args: []checkArg{{"ns", "ns2"}, {"dst", "default"}, {"via", "10.0.1.1"}}},
					CheckSpec{Kind: "ping", Line: 97, args: []checkArg{{"from", "ns0"}, {"to", "10.0.1.1"}}},
					CheckSpec{Kind: "ping", Line: 100, args: []checkArg{{"from", "ns1"}, {"to", "10.0.1.1"}}},
					CheckSpec{Kind: "ping", Line: 103, args: []checkArg{{"from", "ns2"}, {"to", "10.0.1.1"}}},
				},
			},
			Step{
				Title: "Inside ns2, drop pings from ns0",
				Text:  "Every namespace has its own netfilter tables. A rule added inside\n`ns2` filters only what reaches `ns2`:\n\n    ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP\n    ip netns exec ns2 iptables -L INPUT -v -n\n\n`-A INPUT` appends to the chain that sees packets addressed to `ns2`\nitself; `-p icmp -s 10.0.1.10` matches ICMP from `ns0`; `-j DROP`\nthrows it away without an answer. Now:\n\n    ip netns exec ns0 ping -c 2 -W 1 10.0.1.12   # 100% packet loss\n    ip netns exec ns1 ping -c 2 10.0.1.12        # still answered\n\nand the rule's packet counter (`iptables -L -v`) goes up. (This breaks\nlesson 3's \"every namespace pings the other two\" on purpose:\n`netlab check --all` counts those two pings as superseded by this\nstep, as long as this step passes.) Only ICMP is\ndropped: TCP from `ns0` to `ns2` still works, which netlab proves by\nrunning a small TCP server inside `ns2`.\n\nCareful: `iptables -A INPUT ...` without `ip netns exec ns2` writes\nthe rule into the root namespace, where it filters nothing between\nthe namespaces. The same rule in nft:\n`ip netns exec ns2 nft add rule ip filter INPUT ip saddr 10.0.1.10 icmp type echo-request drop`\n(after creating that table and chain) counts just as well.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP`: the rule must be inside ns2.",
						Line: 135,
					},
					Hint{
						Text: "Your rule is in another namespace (probably the root one, typed without `ip netns exec ns2`). Every namespace has its own firewall: delete it there (`iptables -D INPUT -p icmp -s 10.0.1.10 -j DROP`) and add it inside ns2.",
						When: "rule-wrong-ns",
						Line: 137,
					},
					Hint{
						Text: "ns0 still gets answers from 10.0.1.12: no rule in ns2 drops its echo requests. Is your rule in the root namespace instead of ns2? Check with `ip netns exec ns2 iptables -S`.",
						When: "not-dropped",
						Line: 139,
					},
					Hint{
						Text: "TCP from ns0 to ns2 fails too: your rule drops more than ICMP. Add `-p icmp`.",
						When: "tcp-failed",
						Line: 141,
					},
					Hint{
						Text: "ns2 has no rule dropping ICMP from 10.0.1.10: run iptables inside ns2 (`ip netns exec ns2 iptables ...`).",
						When: "rule-missing",
						Line: 143,
					},
					Hint{
						Text: "Your rule is in a chain the echo requests never cross. Packets for ns2 itself pass INPUT: `ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP`.",
						When: "rule-wrong-chain",
						Line: 145,
					},
					Hint{
						Text: "Your DROP rule drops more than pings from ns0 (the counters show it matched this probe). Add `-p icmp` and `-s 10.0.1.10`, and delete the broad rule (`ip netns exec ns2 iptables -D INPUT ...`).",
						When: "dropped-by-rule",
						Line: 147,
					},
					Hint{
						Text: "Your DROP rule is in ns2's INPUT chain but never matched: check `-s 10.0.1.10` (not `-d`) and `-p icmp`.",
						When: "rule-no-match",
						Line: 149,
					},
					Hint{
						Text: "Your DROP rule is right; a MASQUERADE rule with `-o br0` in the root namespace is not. Where br_netfilter is loaded, frames bridged from ns0 to ns2 pass the root namespace's nat table and leave by br0, so that rule rewrites them to come from 10.0.1.1. Delete it (`iptables -t nat -D POSTROUTING -s 10.0.1.0/24 -o br0 -j MASQUERADE`): masquerading belongs on wan0.",
						When: "masquerade-bridged",
						Line: 151,
					},
				},
				Solution: "ip netns exec ns2 iptables -C INPUT -p icmp -s 10.0.1.10 -j DROP 2>/dev/null || ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "ping", Line: 155, args: []checkArg{{"from", "ns0"}, {"to", "10.0.1.12"}, {"expect", "no_reply"}}},
					CheckSpec{Kind: "ping", Line: 159, args: []checkArg{{"from", "ns1"}, {"to", "10.0.1.12"}}},
					CheckSpec{Kind: "tcp", Line: 162, args: []checkArg{{"from", "ns0"}, {"to", "10.0.1.12"}, {"server_ns", "ns2"}}},
					CheckSpec{Kind: "nf_rule", Line: 166, args: []checkArg{{"ns", "ns2"}, {"verdict", "drop"}, {"proto", "icmp"}, {"src", "10.0.1.10"}}},
				},
			},
			Step{
				Title: "Build the outside world",
				Text:  "Play \"the internet\" with one more namespace, `internet`, linked to\nthe lab's root namespace by a veth pair: `wan0` in the root namespace\n(the host's uplink), `eth0` inside `internet`.\n\n    ip netns add internet\n    ip -n internet link set lo up\n    ip link add wan0 type veth peer name eth0 netns internet\n    ip addr add 203.0.113.254/24 dev wan0\n    ip -n internet addr add 203.0.113.1/24 dev eth0\n    ip link set wan0 up\n    ip -n internet link set eth0 up\n    ping -c 2 203.0.113.1\n\n203.0.113.0/24 is a range reserved for documentation, safe to use.\nNote what `internet` does **not** have: a route to 10.0.1.0/24\n(`ip -n internet route` shows only 203.0.113.0/24). Real internet\nrouters know nothing of your private network either, so a packet\nfrom 10.0.1.10 could go out but its answer could never come back.\nThe next step fixes that with NAT, not with a route.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip netns add internet`, then `ip link add wan0 type veth peer name eth0 netns internet`, the two addresses, and both ends up.",
						Line: 194,
					},
					Hint{
						Text: "internet can route to 10.0.1.0/24: delete that route (`ip -n internet route del 10.0.1.0/24` or `ip -n internet route del default`); only NAT may bring the answers back.",
						When: "route-should-be-absent",
						Line: 196,
					},
					Hint{
						Text: "wan0 must stay in the root namespace and its peer eth0 must be in internet.",
						When: "peer-wrong-ns",
						Line: 198,
					},
					Hint{
						Text: "One end of the wan0 pair is down: a veth has carrier only when both ends are up.",
						When: "peer-down",
						Line: 200,
					},
				},
				Solution: "test -e /run/netns/internet || ip netns add internet\nip -n internet link set lo up\nip link show wan0 >/dev/null 2>&1 || ip link add wan0 type veth peer name eth0 netns internet\nip addr replace 203.0.113.254/24 dev wan0\nip -n internet addr replace 203.0.113.1/24 dev eth0\nip link set wan0 up\nip -n internet link set eth0 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "netns", Line: 210, args: []checkArg{{"ns", "internet"}}},
					CheckSpec{Kind: "veth_pair", Line: 212, args: []checkArg{{"link", "wan0"}, {"peer", "eth0"}, {"peer_ns", "internet"}}},
					CheckSpec{Kind: "addr", Line: 216, args: []checkArg{{"link", "wan0"}, {"addr", "203.0.113.254/24"}}},
					CheckSpec{Kind: "addr", Line: 219, args: []checkArg{{"ns", "internet"}, {"link", "eth0"}, {"addr", "203.0.113.1/24"}}},
					CheckSpec{Kind: "link_up", Line: 223, args: []checkArg{{"link", "wan0"}, {"oper", true}}},
					CheckSpec{Kind: "ping", Line: 226, args: []checkArg{{"to", "203.0.113.1"}}},
					CheckSpec{Kind: "route", Line: 228, args: []checkArg{{"ns", "internet"}, {"dst", "10.0.1.0/24"}, {"absent", true}}},
				},
			},
			Step{
				Title: "Masquerade the namespaces behind wan0",
				Text:  "Two things turn the root namespace into a router with NAT:\n\n    sysctl -w net.ipv4.ip_forward=1\n    iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE\n    ip netns exec ns0 ping -c 2 203.0.113.1\n\n`ip_forward=1` lets the namespace pass packets that are not addressed\nto itself (from br0 to wan0). The **MASQUERADE** rule, in the `nat`\ntable's `POSTROUTING` chain, rewrites the source address of packets\nfrom 10.0.1.0/24 that leave through `wan0` to `wan0`'s own address,\n203.0.113.254. `internet` answers 203.0.113.254, which it can reach;\nconntrack remembers the translation and rewrites the answer back to\n10.0.1.10. That is how every home router, and Docker, works.\n\nWatch `-o wan0`: MASQUERADE on the wrong interface (`-o br0`) does\nnot match the packets that leave for the internet. Worse, where\n`br_netfilter` is loaded (`sysctl net.bridge.bridge-nf-call-iptables`\nsays 1, as on every Docker host) frames bridged between the\nnamespaces pass the root namespace's nat table too, with br0 as\ntheir output interface: `-o br0` rewrites ns0's pings to ns2 to come\nfrom 10.0.1.1, and ns2's DROP rule from step 2 stops matching them.\n`iptables -t nat -L -v -n` shows the rule's counter. On a host with Docker the `FORWARD` policy is `DROP`:\nthere you would also need `iptables -A FORWARD -i br0 -j ACCEPT` and\nthe reverse rule (netlab's own lab namespace starts with ACCEPT).\n\n`reset` does not switch `ip_forward` back off: it is a setting of the\nwhole namespace that other things may rely on.\n",
				Hints: []Hint{
					Hint{
						Text: "`sysctl -w net.ipv4.ip_forward=1`, then `iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE` (in the root namespace).",
						Line: 263,
					},
					Hint{
						Text: "Forwarding is off in the root namespace: `sysctl -w net.ipv4.ip_forward=1`.",
						When: "ip-forward-off",
						Line: 265,
					},
					Hint{
						Text: "The packets reach internet with their 10.0.1.x source: the MASQUERADE rule is missing or matches the wrong interface. It needs `-o wan0` in the nat table's POSTROUTING chain.",
						When: "no-snat",
						Line: 267,
					},
					Hint{
						Text: "Your MASQUERADE rule matches the wrong packets: it needs `-o wan0` (the interface towards the internet) and `-s 10.0.1.0/24`. Delete it (`iptables -t nat -D POSTROUTING ...` with the same arguments) and add the right one.",
						When: "rule-mismatch",
						Line: 269,
					},
					Hint{
						Text: "No MASQUERADE rule matches: check `iptables -t nat -S POSTROUTING` for `-o wan0` and `-s 10.0.1.0/24`.",
						When: "rule-missing",
						Line: 271,
					},
					Hint{
						Text: "ns0 has no default route, so it knows only 10.0.1.0/24: `ip -n ns0 route add default via 10.0.1.1` (step 1).",
						When: "no-default-route",
						Line: 273,
					},
					Hint{
						Text: "ns0's default route points at an address that nobody has: `ip -n ns0 route replace default via 10.0.1.1`.",
						When: "wrong-gateway",
						Line: 275,
					},
					Hint{
						Text: "The packets leave with source 10.0.1.10, and internet has no route back to it. Rewrite the source: `iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE`.",
						When: "masquerade-missing",
						Line: 277,
					},
					Hint{
						Text: "Your MASQUERADE rule names the wrong outgoing interface: packets to the internet leave by wan0. Use `-o wan0`.",
						When: "masq-wrong-if",
						Line: 279,
					},
					Hint{
						Text: "The root namespace's FORWARD policy is DROP: accept the LAN's traffic, `iptables -A FORWARD -i br0 -o wan0 -j ACCEPT` and `iptables -A FORWARD -i wan0 -o br0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`.",
						When: "forward-drop",
						Line: 281,
					},
				},
				Solution: "sysctl -w net.ipv4.ip_forward=1\niptables -t nat -C POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "sysctl", Line: 286, args: []checkArg{{"key", "net.ipv4.ip_forward"}, {"value", "1"}}},
					CheckSpec{Kind: "ping", Line: 289, args: []checkArg{{"from", "ns0"}, {"to", "203.0.113.1"}}},
					CheckSpec{Kind: "tcp", Line: 292, args: []checkArg{{"from", "ns0"}, {"to", "203.0.113.1"}, {"server_ns", "internet"}, {"expect_src", "203.0.113.254"}}},
					CheckSpec{Kind: "nf_rule", Line: 297, args: []checkArg{{"verdict", "masquerade"}, {"src", "10.0.1.10"}, {"out_if", "wan0"}}},
				},
			},
			Step{
				Title: "Forward port 8080 on wan0 to ns1 port 80",
				Text:  "The reverse direction: make a server inside `ns1` reachable from the\ninternet, as `docker run -p 8080:80` does. Destination NAT rewrites\nthe destination of incoming connections:\n\n    iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80\n\n`PREROUTING` runs before the routing decision, so the rewritten\ndestination 10.0.1.11 is what gets routed: out of `br0` to `ns1`. The\nanswers go back through conntrack, which restores 203.0.113.254:8080\nas their source.\n\nTry it with a real server:\n\n    ip netns exec ns1 python3 -m http.server 80 &\n    ip netns exec internet curl http://203.0.113.254:8080/\n\nnetlab checks it with its own TCP probe server on 10.0.1.11:80 in\n`ns1`, and while your server holds port 80 there it cannot: stop\nyours first (`kill %1` in the shell that started it), then run\n`netlab check 4`. (While it runs, `netlab check 4` says that the\nport is taken and whether your DNAT rule is in place.)\n",
				Hints: []Hint{
					Hint{
						Text: "`iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80`.",
						Line: 326,
					},
					Hint{
						Text: "Your DNAT rule does not forward wan0's port 8080 to 10.0.1.11:80: check `iptables -t nat -S PREROUTING`, delete it with `-D` and add the right one.",
						When: "rule-mismatch",
						Line: 328,
					},
					Hint{
						Text: "No DNAT rule for port 8080 is in the root namespace: `iptables -t nat -S PREROUTING` shows what is there.",
						When: "rule-missing",
						Line: 330,
					},
					Hint{
						Text: "The connection from internet does not arrive in ns1: is the DNAT rule in the nat table's PREROUTING chain of the root namespace, with `--dport 8080` and `--to-destination 10.0.1.11:80`?",
						When: "tcp-failed",
						Line: 332,
					},
					Hint{
						Text: "The DNAT rule works, but the FORWARD policy drops the rewritten connection: `iptables -A FORWARD -i wan0 -o br0 -p tcp -d 10.0.1.11 --dport 80 -j ACCEPT`.",
						When: "dnat-no-forward",
						Line: 334,
					},
					Hint{
						Text: "Your DNAT rule does not match the connection to 203.0.113.254:8080: it needs `-p tcp --dport 8080` and `--to-destination 10.0.1.11:80`.",
						When: "dnat-wrong",
						Line: 336,
					},
					Hint{
						Text: "Nothing rewrites the connection to 203.0.113.254:8080: add `iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80`.",
						When: "dnat-missing",
						Line: 338,
					},
					Hint{
						Text: "Port 80 in ns1 is taken, most likely by your own `python3 -m http.server 80`: netlab's probe server needs it. Stop yours (`kill %1` where you started it, or find it with `ip netns exec ns1 ss -ltnp`) and check again.",
						When: "probe-port-taken",
						Line: 340,
					},
				},
				Solution: "iptables -t nat -C PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80 2>/dev/null || iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "tcp", Line: 344, args: []checkArg{{"from", "internet"}, {"to", "203.0.113.254:8080"}, {"server_ns", "ns1"}, {"listen", "10.0.1.11:80"}}},
					CheckSpec{Kind: "nf_rule", Line: 349, args: []checkArg{{"verdict", "dnat"}, {"dport", int(8080)}, {"to", "10.0.1.11:80"}}},
				},
			},
		},
		Supersedes: []Supersedes{
			Supersedes{
				Lesson: "bridge",
				Step:   5,
				Checks: []int{
					2,
					5,
				},
				When:    2,
				Because: "ns2 drops ICMP from ns0 on purpose",
			},
		},
		File: "lessons/04-iptables.yaml",
	}
}

func compiledLesson5() *Lesson {
	return &Lesson{
		ID:    5,
		Slug:  "router",
		Title: "Two LANs joined by a router (what an OpenWrt box does)",
		Intro: "A bridge joins hosts of **one** network: everything behind it shares\n10.0.1.0/24 and talks directly, frame to frame. Two different networks\nneed a **router**: a machine with a leg in each network that takes a\npacket in on one leg and sends it out of the other. The home box that\nruns OpenWrt does exactly this between your LAN and the provider's\nnetwork; so does every Linux host with `ip_forward` on, Docker's host\nincluded.\n\nA router is not a special device: it is any namespace with two\ninterfaces, an address on each network and **forwarding** switched on.\nHere three namespaces play two hosts and the router between them; the\nlab's root namespace takes no part at all:\n\n     h1: eth0 10.0.10.2/24          h2: eth0 10.0.20.2/24\n            |                              |\n      eth1 10.0.10.1/24 -- router -- eth2 10.0.20.1/24\n         (LAN 10.0.10.0/24)       (LAN 10.0.20.0/24)\n\nOn the way you will meet the three things every routed packet needs:\na route **there**, a router that **forwards**, and a route **back**.\n",
		Owns: Owns{
			Namespaces: []string{
				"h1",
				"router",
				"h2",
			},
			NSLinks: []string{
				"lo",
				"eth0",
				"eth1",
				"eth2",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"10.0.10.1/24",
				"10.0.10.2/24",
				"10.0.20.1/24",
				"10.0.20.2/24",
			},
		},
		Steps: []Step{
			Step{
				Title: "Create h1, router and h2, with lo up in each",
				Text:  "Three namespaces, three machines:\n\n    test -e /run/netns/h1 || ip netns add h1\n    test -e /run/netns/router || ip netns add router\n    test -e /run/netns/h2 || ip netns add h2\n    ip -n h1 link set lo up\n    ip -n router link set lo up\n    ip -n h2 link set lo up\n\nThe root namespace stays out of this lesson: nothing here is created\nthere, and its own forwarding setting does not matter.\n",
				Hints: []Hint{
					Hint{
						Text: "One `ip netns add NAME` for each of h1, router and h2, then `ip -n NAME link set lo up` in each.",
						Line: 44,
					},
					Hint{
						Text: "A namespace is missing: `ip netns add` takes one name at a time.",
						When: "ns-missing",
						Line: 46,
					},
					Hint{
						Text: "lo is down in {ns}: `ip -n {ns} link set lo up`.",
						When: "lo-down",
						Line: 48,
					},
				},
				Solution: "test -e /run/netns/h1 || ip netns add h1\ntest -e /run/netns/router || ip netns add router\ntest -e /run/netns/h2 || ip netns add h2\nip -n h1 link set lo up\nip -n router link set lo up\nip -n h2 link set lo up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "netns", Line: 57, args: []checkArg{{"ns", "h1"}}},
					CheckSpec{Kind: "netns", Line: 59, args: []checkArg{{"ns", "router"}}},
					CheckSpec{Kind: "netns", Line: 61, args: []checkArg{{"ns", "h2"}}},
					CheckSpec{Kind: "link_up", Line: 63, args: []checkArg{{"ns", "h1"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 66, args: []checkArg{{"ns", "router"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 69, args: []checkArg{{"ns", "h2"}, {"link", "lo"}}},
				},
			},
			Step{
				Title: "Cable each host to the router",
				Text:  "Two cables, two veth pairs. The router gets one interface per\nnetwork, `eth1` towards h1 and `eth2` towards h2; each host has its\n`eth0`. Create each pair directly between the two namespaces:\n\n    ip -n h1 link show eth0 >/dev/null 2>&1 || ip -n h1 link add eth0 type veth peer name eth1 netns router\n    ip -n h2 link show eth0 >/dev/null 2>&1 || ip -n h2 link add eth0 type veth peer name eth2 netns router\n    ip -n h1 link set eth0 up\n    ip -n h2 link set eth0 up\n    ip -n router link set eth1 up\n    ip -n router link set eth2 up\n\n`ip -n h1 link add ... peer name eth1 netns router` runs inside h1\nand puts the other end straight into router: no end ever appears in\nthe root namespace. (Creating the pair in the root namespace and\nmoving both ends with `ip link set NAME netns NS` works as well.)\n\n`ip -n router -br link` lists `eth1@if..` and `eth2@if..`, both UP.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n h1 link add eth0 type veth peer name eth1 netns router`, the same for h2 with eth2, then `link set ... up` on all four ends.",
						Line: 93,
					},
					Hint{
						Text: "An end is down: a veth has carrier only when both of its ends are up. `ip -n NS link set NAME up`.",
						When: "peer-down",
						Line: 95,
					},
					Hint{
						Text: "An end is down: `ip -n NS link set NAME up`.",
						When: "link-down",
						Line: 97,
					},
					Hint{
						Text: "That end is not where it belongs: move it with `ip -n NS link set NAME netns OTHER`.",
						When: "veth-not-moved",
						Line: 99,
					},
					Hint{
						Text: "These two ends are not each other's peer: delete the pair (`ip -n NS link del NAME`) and create it again.",
						When: "wrong-peer",
						Line: 101,
					},
				},
				Solution: "ip -n h1 link show eth0 >/dev/null 2>&1 || ip -n h1 link add eth0 type veth peer name eth1 netns router\nip -n h2 link show eth0 >/dev/null 2>&1 || ip -n h2 link add eth0 type veth peer name eth2 netns router\nip -n h1 link set eth0 up\nip -n h2 link set eth0 up\nip -n router link set eth1 up\nip -n router link set eth2 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "veth_pair", Line: 110, args: []checkArg{{"ns", "h1"}, {"link", "eth0"}, {"peer", "eth1"}, {"peer_ns", "router"}}},
					CheckSpec{Kind: "veth_pair", Line: 115, args: []checkArg{{"ns", "h2"}, {"link", "eth0"}, {"peer", "eth2"}, {"peer_ns", "router"}}},
					CheckSpec{Kind: "link_up", Line: 120, args: []checkArg{{"ns", "h1"}, {"link", "eth0"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 124, args: []checkArg{{"ns", "h2"}, {"link", "eth0"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 128, args: []checkArg{{"ns", "router"}, {"link", "eth1"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 132, args: []checkArg{{"ns", "router"}, {"link", "eth2"}, {"oper", true}}},
				},
			},
			Step{
				Title: "Address both networks",
				Text:  "Each cable is its own network. The router has an address on both,\n`.1` by habit (an OpenWrt box is 192.168.1.1 on its LAN):\n\n    ip -n h1 addr add 10.0.10.2/24 dev eth0\n    ip -n router addr add 10.0.10.1/24 dev eth1\n    ip -n router addr add 10.0.20.1/24 dev eth2\n    ip -n h2 addr add 10.0.20.2/24 dev eth0\n    ip netns exec h1 ping -c 2 10.0.10.1\n    ip netns exec h2 ping -c 2 10.0.20.1\n\nLook at `ip -n router route`: the router already has a route to each\nnetwork, one per interface (`proto kernel scope link`), made by the\nkernel for each address. h1, on the other hand, knows only\n10.0.10.0/24: `ip netns exec h1 ping 10.0.20.2` says\n`Network is unreachable`.\n",
				Hints: []Hint{
					Hint{
						Text: "h1 eth0 10.0.10.2/24, router eth1 10.0.10.1/24, router eth2 10.0.20.1/24, h2 eth0 10.0.20.2/24: `ip -n NS addr add ADDR dev DEV`.",
						Line: 155,
					},
					Hint{
						Text: "The prefix length is wrong: delete the address and add it again with /24.",
						When: "wrong-prefix",
						Line: 157,
					},
					Hint{
						Text: "The address is on the wrong interface: check `ip -n NS -br addr`.",
						When: "addr-wrong-link",
						Line: 159,
					},
					Hint{
						Text: "An address is in the wrong namespace: h1 gets 10.0.10.2, h2 10.0.20.2, the router .1 on both.",
						When: "addr-wrong-end",
						Line: 161,
					},
					Hint{
						Text: "The address you ping is on no interface yet: `ip -n router -br addr`.",
						When: "addr-missing",
						Line: 163,
					},
					Hint{
						Text: "No reply: are both ends of that cable up (`ip -n NS -br link`)?",
						When: "no-reply",
						Line: 165,
					},
				},
				Solution: "ip -n h1 addr replace 10.0.10.2/24 dev eth0\nip -n router addr replace 10.0.10.1/24 dev eth1\nip -n router addr replace 10.0.20.1/24 dev eth2\nip -n h2 addr replace 10.0.20.2/24 dev eth0\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr", Line: 172, args: []checkArg{{"ns", "h1"}, {"link", "eth0"}, {"addr", "10.0.10.2/24"}}},
					CheckSpec{Kind: "addr", Line: 176, args: []checkArg{{"ns", "router"}, {"link", "eth1"}, {"addr", "10.0.10.1/24"}}},
					CheckSpec{Kind: "addr", Line: 180, args: []checkArg{{"ns", "router"}, {"link", "eth2"}, {"addr", "10.0.20.1/24"}}},
					CheckSpec{Kind: "addr", Line: 184, args: []checkArg{{"ns", "h2"}, {"link", "eth0"}, {"addr", "10.0.20.2/24"}}},
					CheckSpec{Kind: "ping", Line: 188, args: []checkArg{{"from", "h1"}, {"to", "10.0.10.1"}}},
					CheckSpec{Kind: "ping", Line: 191, args: []checkArg{{"from", "h2"}, {"to", "10.0.20.1"}}},
				},
			},
			Step{
				Title: "Give each host a default route via the router",
				Text:  "A host sends what is not on its own network to its **default\ngateway**. For h1 that is the router's leg on h1's network:\n\n    ip -n h1 route add default via 10.0.10.1\n    ip -n h2 route add default via 10.0.20.1\n    ip -n h1 route\n\nThe gateway must be an address on the host's own network: the host\nfinds its MAC with ARP and hands it the packet, with the far\ndestination left untouched in the IP header. `ip route get` shows\nthe decision: `ip -n h1 route get 10.0.20.2` says\n`10.0.20.2 via 10.0.10.1 dev eth0`.\n\nThe trap: h2 needs its own default route as much as h1. Without it\nh1's pings reach h2, and h2 has no way to send the answers back.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n h1 route add default via 10.0.10.1`, `ip -n h2 route add default via 10.0.20.1`.",
						Line: 213,
					},
					Hint{
						Text: "A host has no default route: `ip -n NS route add default via GATEWAY` (h1: 10.0.10.1, h2: 10.0.20.1).",
						When: "no-default-route",
						Line: 215,
					},
					Hint{
						Text: "The default route points at the wrong gateway. A host's gateway is the router's address on the host's own network: `ip -n NS route replace default via GATEWAY`.",
						When: "wrong-gateway",
						Line: 217,
					},
				},
				Solution: "ip -n h1 route replace default via 10.0.10.1\nip -n h2 route replace default via 10.0.20.1\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "route", Line: 222, args: []checkArg{{"ns", "h1"}, {"dst", "default"}, {"via", "10.0.10.1"}}},
					CheckSpec{Kind: "route", Line: 226, args: []checkArg{{"ns", "h2"}, {"dst", "default"}, {"via", "10.0.20.1"}}},
				},
			},
			Step{
				Title: "Turn on forwarding in the router",
				Text:  "Now h1's packet for 10.0.20.2 reaches the router, which sees that it\nis not addressed to itself. A Linux machine drops such packets unless\n**forwarding** is on, and it is off in every new namespace:\n\n    ip netns exec router sysctl -w net.ipv4.ip_forward=1\n    ip netns exec h1 ping -c 2 10.0.20.2\n    ip netns exec h2 ping -c 2 10.0.10.2\n\n`net.ipv4.conf.all.forwarding=1` is the same switch under another\nname. Every namespace has its own `net.*` settings: a plain\n`sysctl -w net.ipv4.ip_forward=1` without `ip netns exec router`\nchanges the root namespace's, and the router stays a host. (OpenWrt\nsets it at boot; Docker sets it on the host for its containers.)\n\nA router also has a firewall: if its `FORWARD` chain's policy is\n`DROP` (`ip netns exec router iptables -S FORWARD`), forwarding is on\nand still nothing passes.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip netns exec router sysctl -w net.ipv4.ip_forward=1`.",
						Line: 251,
					},
					Hint{
						Text: "Forwarding is off in the router: `ip netns exec router sysctl -w net.ipv4.ip_forward=1`.",
						When: "ip-forward-off",
						Line: 253,
					},
					Hint{
						Text: "You turned forwarding on in the lab's root namespace, not in the router: every namespace has its own sysctls. `ip netns exec router sysctl -w net.ipv4.ip_forward=1`.",
						When: "forward-wrong-ns",
						Line: 255,
					},
					Hint{
						Text: "Forwarding is on, but off again on one of the router's interfaces: `ip netns exec router sysctl -w net.ipv4.conf.DEV.forwarding=1`.",
						When: "dev-forwarding-off",
						Line: 257,
					},
					Hint{
						Text: "The router's FORWARD policy is DROP: accept the traffic between its two networks, `ip netns exec router iptables -A FORWARD -i eth1 -o eth2 -j ACCEPT` and the same with eth2 and eth1 (or `iptables -P FORWARD ACCEPT`).",
						When: "forward-drop",
						Line: 259,
					},
					Hint{
						Text: "The answering host has no route back to the asker's network: give it its default route (step 4).",
						When: "no-return-route",
						Line: 261,
					},
					Hint{
						Text: "A host's default route is missing (step 4): without it the packet never leaves.",
						When: "no-default-route",
						Line: 263,
					},
					Hint{
						Text: "A firewall rule dropped the pings (the why names it): `ip netns exec router iptables -S`.",
						When: "dropped-by-rule",
						Line: 265,
					},
				},
				Solution: "ip netns exec router sysctl -w net.ipv4.ip_forward=1\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "forwarding", Line: 269, args: []checkArg{{"ns", "router"}}},
					CheckSpec{Kind: "ping", Line: 271, args: []checkArg{{"from", "h1"}, {"to", "10.0.20.2"}}},
					CheckSpec{Kind: "ping", Line: 274, args: []checkArg{{"from", "h2"}, {"to", "10.0.10.2"}}},
				},
			},
			Step{
				Title: "Count the hops",
				Text:  "Every router lowers a packet's **TTL** (time to live) by one and\ndrops it at zero: this is what stops a packet from circling forever\nin a routing loop, and what `traceroute` uses to find each router on\nthe way. Linux sends with TTL 64:\n\n    ip netns exec h1 ping -c 2 10.0.20.2\n    ip netns exec h1 ping -c 2 10.0.10.1\n\nThe replies from h2 say `ttl=63`: h2 sent them with 64, the router\ntook one off. The router's own replies say `ttl=64`: it is zero hops\naway. netlab checks the same, and its report shows the TTL it saw.\n",
				Hints: []Hint{
					Hint{
						Text: "Ping h2 from h1 (`ip netns exec h1 ping -c 2 10.0.20.2`) and read the ttl= of the replies.",
						Line: 293,
					},
					Hint{
						Text: "No replies came back: make step 5 pass first.",
						When: "no-reply",
						Line: 295,
					},
					Hint{
						Text: "The replies crossed a different number of routers than one: is the way between h1 and h2 really only through router (`ip -n h1 route get 10.0.20.2`)? Or has someone changed `net.ipv4.ip_default_ttl`?",
						When: "wrong-hops",
						Line: 297,
					},
					Hint{
						Text: "Forwarding is off in the router (step 5).",
						When: "ip-forward-off",
						Line: 299,
					},
				},
				Solution:    "ip netns exec h1 ping -c 3 -i 0.2 -W 1 10.0.20.2\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "hops", Line: 303, args: []checkArg{{"from", "h1"}, {"to", "10.0.20.2"}, {"hops", int(1)}}},
				},
			},
		},
		File: "lessons/05-router.yaml",
	}
}

func compiledLesson6() *Lesson {
	return &Lesson{
		ID:    6,
		Slug:  "vxlan",
		Title: "An overlay between two hosts (what flannel does)",
		Intro: "A bridge joins the containers of **one** host. Kubernetes wants more:\nevery pod on every node in one flat network, 10.244.0.0/16, whatever\nthe physical network between the nodes looks like. The answer is an\n**overlay**: each node wraps the Ethernet frames of its pods in UDP\npackets and sends them over the normal network (the **underlay**) to\nthe node where the destination lives, which unwraps them. VXLAN is the\nstandard wrapping, and Linux has it built in: a vxlan device is a\nbridge port whose other side is a UDP tunnel. This is flannel's vxlan\nbackend (its device is `flannel.1`), and what Docker's overlay\nnetworks and most cloud networks do.\n\nFour namespaces play two machines and one container on each:\n\n      c1: eth0 10.244.0.11/24              c2: eth0 10.244.0.12/24\n            |                                    |\n       veth-c1                              veth-c2\n            |                                    |\n      host1: br0 --- vxlan42         host2: br0 --- vxlan42\n                        :  UDP 4789, VNI 42    :\n      host1: eth0 192.168.100.1 ======== eth0 192.168.100.2 :host2\n                       (the underlay: a veth pair)\n\nThe containers think they share a switch; the hosts only ever see UDP\nbetween 192.168.100.1 and 192.168.100.2.\n",
		Owns: Owns{
			Namespaces: []string{
				"host1",
				"host2",
				"c1",
				"c2",
			},
			NSLinks: []string{
				"lo",
				"eth0",
				"br0",
				"veth-c1",
				"veth-c2",
				"vxlan42",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"192.168.100.1/24",
				"192.168.100.2/24",
				"10.244.0.11/24",
				"10.244.0.12/24",
			},
		},
		Steps: []Step{
			Step{
				Title: "Two hosts and their underlay",
				Text:  "The four namespaces, and a cable between the two hosts:\n\n    test -e /run/netns/host1 || ip netns add host1\n    test -e /run/netns/host2 || ip netns add host2\n    test -e /run/netns/c1 || ip netns add c1\n    test -e /run/netns/c2 || ip netns add c2\n    ip -n host1 link set lo up      # and the same in host2, c1, c2\n    ip -n host1 link show eth0 >/dev/null 2>&1 || ip -n host1 link add eth0 type veth peer name eth0 netns host2\n    ip -n host1 addr add 192.168.100.1/24 dev eth0\n    ip -n host2 addr add 192.168.100.2/24 dev eth0\n    ip -n host1 link set eth0 up\n    ip -n host2 link set eth0 up\n    ip netns exec host1 ping -c 2 192.168.100.2\n\nThis is the physical network between two nodes. Nothing of the\ncontainers' 10.244.0.0/24 will ever be routed on it.\n",
				Hints: []Hint{
					Hint{
						Text: "Add the four namespaces, lo up in each, then one veth pair `eth0` (host1) <-> `eth0` (host2) with 192.168.100.1/24 and 192.168.100.2/24.",
						Line: 53,
					},
					Hint{
						Text: "A namespace is missing: `ip netns add` takes one name at a time.",
						When: "ns-missing",
						Line: 55,
					},
					Hint{
						Text: "lo is down in {ns}: `ip -n {ns} link set lo up`.",
						When: "lo-down",
						Line: 57,
					},
					Hint{
						Text: "An end of the underlay cable is down: `ip -n HOST link set eth0 up`.",
						When: "peer-down",
						Line: 59,
					},
					Hint{
						Text: "An end of the underlay cable is down: `ip -n HOST link set eth0 up`.",
						When: "link-down",
						Line: 61,
					},
					Hint{
						Text: "An underlay address is missing: host1 192.168.100.1/24, host2 192.168.100.2/24.",
						When: "addr-missing",
						Line: 63,
					},
				},
				Solution: "test -e /run/netns/host1 || ip netns add host1\ntest -e /run/netns/host2 || ip netns add host2\ntest -e /run/netns/c1 || ip netns add c1\ntest -e /run/netns/c2 || ip netns add c2\nip -n host1 link set lo up\nip -n host2 link set lo up\nip -n c1 link set lo up\nip -n c2 link set lo up\nip -n host1 link show eth0 >/dev/null 2>&1 || ip -n host1 link add eth0 type veth peer name eth0 netns host2\nip -n host1 addr replace 192.168.100.1/24 dev eth0\nip -n host2 addr replace 192.168.100.2/24 dev eth0\nip -n host1 link set eth0 up\nip -n host2 link set eth0 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "netns", Line: 79, args: []checkArg{{"ns", "host1"}}},
					CheckSpec{Kind: "netns", Line: 81, args: []checkArg{{"ns", "host2"}}},
					CheckSpec{Kind: "netns", Line: 83, args: []checkArg{{"ns", "c1"}}},
					CheckSpec{Kind: "netns", Line: 85, args: []checkArg{{"ns", "c2"}}},
					CheckSpec{Kind: "link_up", Line: 87, args: []checkArg{{"ns", "host1"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 90, args: []checkArg{{"ns", "host2"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 93, args: []checkArg{{"ns", "c1"}, {"link", "lo"}}},
					CheckSpec{Kind: "link_up", Line: 96, args: []checkArg{{"ns", "c2"}, {"link", "lo"}}},
					CheckSpec{Kind: "veth_pair", Line: 99, args: []checkArg{{"ns", "host1"}, {"link", "eth0"}, {"peer", "eth0"}, {"peer_ns", "host2"}}},
					CheckSpec{Kind: "addr", Line: 104, args: []checkArg{{"ns", "host1"}, {"link", "eth0"}, {"addr", "192.168.100.1/24"}}},
					CheckSpec{Kind: "addr", Line: 108, args: []checkArg{{"ns", "host2"}, {"link", "eth0"}, {"addr", "192.168.100.2/24"}}},
					CheckSpec{Kind: "ping", Line: 112, args: []checkArg{{"from", "host1"}, {"to", "192.168.100.2"}}},
				},
			},
			Step{
				Title: "A bridge on each host, a container on each bridge",
				Text:  "Each host gets its own `br0`, like `cni0` on a Kubernetes node, and\nits container plugs into it exactly as in lesson 3:\n\n    ip -n host1 link add br0 type bridge\n    ip -n host1 link set br0 up\n    ip -n c1 link add eth0 type veth peer name veth-c1 netns host1\n    ip -n host1 link set veth-c1 master br0\n    ip -n host1 link set veth-c1 up\n    ip -n c1 addr add 10.244.0.11/24 dev eth0\n    ip -n c1 link set eth0 up\n\nand the same for host2 and c2 (`veth-c2`, 10.244.0.12/24). The two\ncontainers are in one subnet, but on two separate switches: c1's\nARP for 10.244.0.12 dies on host1's bridge.\n",
				Hints: []Hint{
					Hint{
						Text: "On each host: `ip -n HOST link add br0 type bridge`, up; a veth from the container's eth0 to a port of that br0; the container's address.",
						Line: 133,
					},
					Hint{
						Text: "The container's veth is not a port of its host's br0: `ip -n HOST link set veth-cN master br0`.",
						When: "port-not-attached",
						Line: 135,
					},
					Hint{
						Text: "The container's veth ends in the wrong namespace: its other end belongs in its host.",
						When: "port-wrong-ns",
						Line: 137,
					},
					Hint{
						Text: "An end is down: `ip -n NS link set NAME up`.",
						When: "peer-down",
						Line: 139,
					},
					Hint{
						Text: "An end is down: `ip -n NS link set NAME up`.",
						When: "link-down",
						Line: 141,
					},
					Hint{
						Text: "A container's address is missing: c1 10.244.0.11/24, c2 10.244.0.12/24.",
						When: "addr-missing",
						Line: 143,
					},
				},
				Solution: "ip -n host1 link show br0 >/dev/null 2>&1 || ip -n host1 link add br0 type bridge\nip -n host2 link show br0 >/dev/null 2>&1 || ip -n host2 link add br0 type bridge\nip -n host1 link set br0 up\nip -n host2 link set br0 up\nip -n c1 link show eth0 >/dev/null 2>&1 || ip -n c1 link add eth0 type veth peer name veth-c1 netns host1\nip -n c2 link show eth0 >/dev/null 2>&1 || ip -n c2 link add eth0 type veth peer name veth-c2 netns host2\nip -n host1 link set veth-c1 master br0\nip -n host2 link set veth-c2 master br0\nip -n host1 link set veth-c1 up\nip -n host2 link set veth-c2 up\nip -n c1 addr replace 10.244.0.11/24 dev eth0\nip -n c2 addr replace 10.244.0.12/24 dev eth0\nip -n c1 link set eth0 up\nip -n c2 link set eth0 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "link_exists", Line: 160, args: []checkArg{{"ns", "host1"}, {"link", "br0"}, {"type", "bridge"}}},
					CheckSpec{Kind: "link_exists", Line: 164, args: []checkArg{{"ns", "host2"}, {"link", "br0"}, {"type", "bridge"}}},
					CheckSpec{Kind: "link_up", Line: 168, args: []checkArg{{"ns", "host1"}, {"link", "br0"}}},
					CheckSpec{Kind: "link_up", Line: 171, args: []checkArg{{"ns", "host2"}, {"link", "br0"}}},
					CheckSpec{Kind: "bridge_port", Line: 174, args: []checkArg{{"ns", "c1"}, {"link", "eth0"}, {"bridge", "br0"}, {"bridge_ns", "host1"}}},
					CheckSpec{Kind: "bridge_port", Line: 179, args: []checkArg{{"ns", "c2"}, {"link", "eth0"}, {"bridge", "br0"}, {"bridge_ns", "host2"}}},
					CheckSpec{Kind: "link_up", Line: 184, args: []checkArg{{"ns", "c1"}, {"link", "eth0"}, {"oper", true}}},
					CheckSpec{Kind: "link_up", Line: 188, args: []checkArg{{"ns", "c2"}, {"link", "eth0"}, {"oper", true}}},
					CheckSpec{Kind: "addr", Line: 192, args: []checkArg{{"ns", "c1"}, {"link", "eth0"}, {"addr", "10.244.0.11/24"}}},
					CheckSpec{Kind: "addr", Line: 196, args: []checkArg{{"ns", "c2"}, {"link", "eth0"}, {"addr", "10.244.0.12/24"}}},
				},
			},
			Step{
				Title: "A VXLAN tunnel between the bridges",
				Text:  "On each host, a vxlan device with the same **VNI** (VXLAN network\nidentifier, the overlay's number: 42) and the same UDP port, tied\nto the underlay, as a port of the bridge:\n\n    ip -n host1 link show vxlan42 >/dev/null 2>&1 || ip -n host1 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1 remote 192.168.100.2\n    ip -n host2 link show vxlan42 >/dev/null 2>&1 || ip -n host2 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.2 remote 192.168.100.1\n    ip -n host1 link set vxlan42 master br0\n    ip -n host2 link set vxlan42 master br0\n    ip -n host1 link set vxlan42 up\n    ip -n host2 link set vxlan42 up\n    ip -n host1 -d link show vxlan42\n\n`remote` suits two hosts. With many, flannel leaves `remote` out and\nwrites forwarding entries instead, one per node; an all-zero MAC\nentry means \"every frame, broadcasts included, also goes there\":\n\n    bridge -n host2 fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.1\n\nBoth ways pass here. The trap: without `dstport`, Linux picks port\n8472 (flannel's) while others use 4789, the IANA port, and two ends\nthat disagree never hear each other.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n host1 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1 remote 192.168.100.2`, the mirror image on host2, then `master br0` and `up` on both.",
						Line: 225,
					},
					Hint{
						Text: "The two ends disagree on the VNI: delete the wrong one (`ip -n HOST link del vxlan42`) and create it with `id 42`.",
						When: "vni-mismatch",
						Line: 227,
					},
					Hint{
						Text: "The two ends disagree on the UDP port: recreate the device with `dstport 4789`.",
						When: "vxlan-port-mismatch",
						Line: 229,
					},
					Hint{
						Text: "The vxlan sends to the wrong address: `remote` (or the fdb entry's `dst`) must be the other host's underlay address.",
						When: "vxlan-remote-wrong",
						Line: 231,
					},
					Hint{
						Text: "The vxlan device knows no other end: give it `remote IP`, or `bridge -n HOST fdb append 00:00:00:00:00:00 dev vxlan42 dst IP`.",
						When: "vxlan-no-remote",
						Line: 233,
					},
					Hint{
						Text: "The vxlan device is not a port of br0: `ip -n HOST link set vxlan42 master br0`.",
						When: "vxlan-not-port",
						Line: 235,
					},
					Hint{
						Text: "The vxlan device is not tied to the underlay: recreate it with `dev eth0`.",
						When: "vxlan-wrong-dev",
						Line: 237,
					},
					Hint{
						Text: "The vxlan device's `local` must be its own host's underlay address.",
						When: "vxlan-wrong-local",
						Line: 239,
					},
					Hint{
						Text: "vxlan42 is down: `ip -n HOST link set vxlan42 up`.",
						When: "link-down",
						Line: 241,
					},
				},
				Solution: "ip -n host1 link show vxlan42 >/dev/null 2>&1 || ip -n host1 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1 remote 192.168.100.2\nip -n host2 link show vxlan42 >/dev/null 2>&1 || ip -n host2 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.2 remote 192.168.100.1\nip -n host1 link set vxlan42 master br0\nip -n host2 link set vxlan42 master br0\nip -n host1 link set vxlan42 up\nip -n host2 link set vxlan42 up\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "vxlan", Line: 250, args: []checkArg{{"ns", "host1"}, {"link", "vxlan42"}, {"vni", int(42)}, {"dport", int(4789)}, {"dev", "eth0"}, {"src", "192.168.100.1"}, {"remote", "192.168.100.2"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "vxlan", Line: 259, args: []checkArg{{"ns", "host2"}, {"link", "vxlan42"}, {"vni", int(42)}, {"dport", int(4789)}, {"dev", "eth0"}, {"src", "192.168.100.2"}, {"remote", "192.168.100.1"}, {"bridge", "br0"}}},
					CheckSpec{Kind: "link_up", Line: 268, args: []checkArg{{"ns", "host1"}, {"link", "vxlan42"}}},
					CheckSpec{Kind: "link_up", Line: 271, args: []checkArg{{"ns", "host2"}, {"link", "vxlan42"}}},
				},
			},
			Step{
				Title: "The containers talk across the overlay",
				Text:  "Now c1's ARP broadcast leaves host1's bridge by vxlan42 too, wrapped\nin UDP to 192.168.100.2, comes out of host2's vxlan42 into host2's\nbridge, and reaches c2:\n\n    ip netns exec c1 ping -c 2 10.244.0.12\n    ip netns exec c2 ping -c 2 10.244.0.11\n    ip -n host1 -s link show vxlan42\n\nThe counters of vxlan42 (`RX`/`TX packets`) grow with each ping: the\npackets went through the tunnel. netlab checks exactly that. To see\nthe wrapping itself, watch the underlay:\n`ip netns exec host2 tcpdump -ni eth0 udp port 4789` shows UDP\nbetween the hosts with c1 and c2's ICMP inside.\n",
				Hints: []Hint{
					Hint{
						Text: "If c1 cannot reach c2, check step 3 on both hosts (`ip -n HOST -d link show vxlan42`, `bridge -n HOST link`).",
						Line: 292,
					},
					Hint{
						Text: "The pings were answered, but vxlan42's counters did not move: the packets took another way. Remove the shortcut.",
						When: "not-through-tunnel",
						Line: 294,
					},
					Hint{
						Text: "No reply: compare both vxlan42 devices (`ip -n HOST -d link show vxlan42`): VNI, dstport, remote.",
						When: "no-reply",
						Line: 296,
					},
					Hint{
						Text: "The two vxlan ends disagree on the VNI (step 3).",
						When: "vni-mismatch",
						Line: 298,
					},
					Hint{
						Text: "The two vxlan ends disagree on the UDP port (step 3).",
						When: "vxlan-port-mismatch",
						Line: 300,
					},
					Hint{
						Text: "A vxlan sends to the wrong underlay address (step 3).",
						When: "vxlan-remote-wrong",
						Line: 302,
					},
					Hint{
						Text: "A vxlan device is not a port of its host's bridge (step 3).",
						When: "vxlan-not-port",
						Line: 304,
					},
					Hint{
						Text: "A vxlan device knows no other end (step 3).",
						When: "vxlan-no-remote",
						Line: 306,
					},
					Hint{
						Text: "One host has no vxlan device at all: what the other sends is dropped on arrival. Create it there too (step 3).",
						When: "vxlan-missing",
						Line: 308,
					},
					Hint{
						Text: "The address you ping is on no container: check `ip -n cN addr` (step 2).",
						When: "addr-missing",
						Line: 310,
					},
				},
				Solution:    "ip netns exec c1 ping -c 3 -i 0.2 -W 1 10.244.0.12\nip netns exec c2 ping -c 3 -i 0.2 -W 1 10.244.0.11\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "tunnel", Line: 315, args: []checkArg{{"from", "c1"}, {"to", "10.244.0.12"}, {"link", "vxlan42"}, {"ns", "host1"}, {"peer_ns", "host2"}}},
					CheckSpec{Kind: "tunnel", Line: 321, args: []checkArg{{"from", "c2"}, {"to", "10.244.0.11"}, {"link", "vxlan42"}, {"ns", "host2"}, {"peer_ns", "host1"}}},
				},
			},
			Step{
				Title: "Fit the containers' MTU to the overlay",
				Text:  "Try a full-size packet with \"don't fragment\":\n\n    ip netns exec c1 ping -c 2 -M do -s 1472 10.244.0.12\n\nNo answer, and no error either. 1472 bytes of payload plus 28 of\nheaders fill c1's 1500-byte MTU, but VXLAN adds 50 bytes of its own\n(outer Ethernet, IP, UDP, VXLAN) on an underlay of 1500, so vxlan42\ntakes at most 1450 (`ip -n host1 link show vxlan42` says `mtu\n1450`). The bridge drops a frame too big for the port it should\nleave by, silently: at layer 2 nobody sends back \"fragmentation\nneeded\". Small pings work, big transfers hang: the classic overlay\ntrap. flannel writes MTU 1450 into every pod for this reason.\n\n    ip -n c1 link set eth0 mtu 1450\n    ip -n c2 link set eth0 mtu 1450\n    ip netns exec c1 ping -c 2 -M do -s 1422 10.244.0.12\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n c1 link set eth0 mtu 1450`, the same in c2.",
						Line: 347,
					},
					Hint{
						Text: "A container's eth0 MTU is larger than the tunnel carries: `ip -n cN link set eth0 mtu 1450`.",
						When: "mtu-too-big",
						Line: 349,
					},
					Hint{
						Text: "No reply to the full-size ping: compare the MTUs along the way (`ip -n NS link`).",
						When: "no-reply",
						Line: 351,
					},
				},
				Solution: "ip -n c1 link set eth0 mtu 1450\nip -n c2 link set eth0 mtu 1450\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "mtu", Line: 356, args: []checkArg{{"ns", "c1"}, {"link", "eth0"}, {"max_mtu", int(1450)}}},
					CheckSpec{Kind: "mtu", Line: 360, args: []checkArg{{"ns", "c2"}, {"link", "eth0"}, {"max_mtu", int(1450)}}},
					CheckSpec{Kind: "ping_mtu", Line: 364, args: []checkArg{{"from", "c1"}, {"to", "10.244.0.12"}}},
				},
			},
		},
		File: "lessons/06-vxlan.yaml",
	}
}

func compiledLesson7() *Lesson {
	return &Lesson{
		ID:       7,
		Slug:     "ipv6",
		Title:    "The bridge of lesson 3, in IPv6",
		Intro:    "IPv6 runs next to IPv4 on the very same links: the bridge, the veths and\nthe namespaces of lesson 3 need nothing new but addresses. What changes\nis how hosts find each other. There is no ARP: **neighbour discovery**\n(ND) does its job with ICMPv6 messages, every interface has a\n**link-local** address (fe80::/64) of its own making, and a new address\nis not used until **duplicate address detection** (DAD) has made sure no\nother host on the link has it.\n\nThis is what Docker does with `--ipv6` (its bridge becomes the IPv6\ngateway of the containers) and what every Kubernetes dual-stack cluster\ndoes. It starts from lesson 3's finished state (`netlab setup 7` or\n`netlab solve 3` builds it); the IPv4 addresses stay:\n\n                 br0  fd00:1::1/64 (root namespace)\n                /          |           \\\n    ns0: eth0          ns1: eth0          ns2: eth0\n    fd00:1::10/64      fd00:1::11/64      fd00:1::12/64\n    fe80::.../64       fe80::.../64       fe80::.../64\n\n`fd00::/8` is the IPv6 private range (unique local addresses), the\ncounterpart of 10.0.0.0/8.\n",
		Requires: "bridge",
		Owns: Owns{
			Namespaces: []string{
				"ns0",
				"ns1",
				"ns2",
			},
			Links: []string{
				"br0",
				"veth-ns0",
				"veth-ns1",
				"veth-ns2",
			},
			Addrs: map[string][]string{
				"br0": []string{
					"fd00:1::1/64",
				},
			},
			Ports: map[string][]string{
				"br0": []string{
					"veth-ns0",
					"veth-ns1",
					"veth-ns2",
				},
			},
			NSLinks: []string{
				"lo",
				"eth0",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"10.0.1.10/24",
				"10.0.1.11/24",
				"10.0.1.12/24",
				"fd00:1::10/64",
				"fd00:1::11/64",
				"fd00:1::12/64",
			},
		},
		Steps: []Step{
			Step{
				Title: "Give each eth0 its IPv6 address, and let DAD finish",
				Text:  "Add an address exactly as in IPv4, with `-6` implied by its form:\n\n    ip -n ns0 addr add fd00:1::10/64 dev eth0\n    ip -n ns1 addr add fd00:1::11/64 dev eth0\n    ip -n ns2 addr add fd00:1::12/64 dev eth0\n    ip -n ns0 -6 addr show dev eth0\n\nLook quickly: the new address says `tentative`. The kernel first asks\nthe link (an ICMPv6 neighbour solicitation) whether anyone already\nhas it; only when nobody answers within about a second does the flag\ngo away and the address work. Had a neighbour answered, it would say\n`dadfailed` and stay unusable forever: delete it and pick another.\n\nIPv6 subnets on a link are /64, always. And the trap on the way:\n`ip link set eth0 down` removes the IPv6 addresses you added by hand\n(the IPv4 ones stay), unless `net.ipv6.conf.eth0.keep_addr_on_down`\nis 1.\n",
				Hints: []Hint{
					Hint{
						Text: "`ip -n ns0 addr add fd00:1::10/64 dev eth0`, ::11 for ns1, ::12 for ns2; then wait a second for DAD.",
						Line: 55,
					},
					Hint{
						Text: "The address is marked dadfailed: another namespace on the link already has it. Delete it (`ip -n NS addr del ADDR/64 dev eth0`) and add the right one: ns0 ::10, ns1 ::11, ns2 ::12.",
						When: "dad-failed",
						Line: 57,
					},
					Hint{
						Text: "The address is still tentative: DAD has not finished. Wait a second; if it stays, the link has no carrier (is the bridge end up?).",
						When: "addr-tentative",
						Line: 59,
					},
					Hint{
						Text: "IPv6 is disabled on that eth0: `ip netns exec NS sysctl -w net.ipv6.conf.eth0.disable_ipv6=0`, then add the address again.",
						When: "ipv6-disabled",
						Line: 61,
					},
					Hint{
						Text: "The address is missing: `ip -n NS -6 addr` shows what is there. (Did eth0 go down and up? That removes IPv6 addresses added by hand.)",
						When: "addr-missing",
						Line: 63,
					},
					Hint{
						Text: "The address is in the wrong namespace: ns0 gets ::10, ns1 ::11, ns2 ::12.",
						When: "addr-wrong-end",
						Line: 65,
					},
					Hint{
						Text: "The prefix length is wrong: IPv6 subnets are /64. Delete the address and add it with /64.",
						When: "wrong-prefix",
						Line: 67,
					},
				},
				Solution: "ip -n ns0 addr replace fd00:1::10/64 dev eth0\nip -n ns1 addr replace fd00:1::11/64 dev eth0\nip -n ns2 addr replace fd00:1::12/64 dev eth0\n# DAD takes about a second: wait until no address is tentative any more.\nfor ns in ns0 ns1 ns2; do for i in $(seq 50); do ip -n $ns -6 addr show tentative | grep -q inet6 || break; sleep 0.1; done; done\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr6", Line: 75, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"addr", "fd00:1::10/64"}}},
					CheckSpec{Kind: "addr6", Line: 79, args: []checkArg{{"ns", "ns1"}, {"link", "eth0"}, {"addr", "fd00:1::11/64"}}},
					CheckSpec{Kind: "addr6", Line: 83, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"addr", "fd00:1::12/64"}}},
				},
			},
			Step{
				Title: "Every namespace pings the other two over IPv6",
				Text:  "`ping` picks IPv6 by itself for an IPv6 address (`ping -6` or the old\n`ping6` say so explicitly):\n\n    ip netns exec ns0 ping -c 2 fd00:1::11\n    ip netns exec ns0 ping -c 2 fd00:1::12\n    ip netns exec ns1 ping -c 2 fd00:1::10\n    ip netns exec ns1 ping -c 2 fd00:1::12\n    ip netns exec ns2 ping -c 2 fd00:1::10\n    ip netns exec ns2 ping -c 2 fd00:1::11\n\nThe bridge forwards IPv6 frames like any others: it is a switch and\ndoes not care what they carry.\n",
				Hints: []Hint{
					Hint{
						Text: "If one namespace cannot reach another, look at its `ip -n NS -6 addr` (tentative? dadfailed?) and at `ip -n NS -6 route`.",
						Line: 104,
					},
					Hint{
						Text: "No reply: something drops ICMPv6 on the way (`ip netns exec NS ip6tables -S`), or the frames do not cross the bridge (`bridge link`).",
						When: "no-reply",
						Line: 106,
					},
					Hint{
						Text: "A firewall rule dropped the pings (the why names it).",
						When: "dropped-by-rule",
						Line: 108,
					},
					Hint{
						Text: "Nobody answers neighbour discovery for that address: is it on the right eth0, and not dropped by ip6tables?",
						When: "nd-failed",
						Line: 110,
					},
					Hint{
						Text: "The address you ping is on no eth0: check `ip -n NS -6 addr` (step 1).",
						When: "addr-missing",
						Line: 112,
					},
					Hint{
						Text: "An address is still tentative or refused by DAD (step 1).",
						When: "dad-failed",
						Line: 114,
					},
					Hint{
						Text: "An address is still tentative (step 1): wait for DAD, and check the link has carrier.",
						When: "addr-tentative",
						Line: 116,
					},
				},
				Solution:    "ip netns exec ns0 ping -c 3 -i 0.2 -W 1 fd00:1::11\nip netns exec ns0 ping -c 3 -i 0.2 -W 1 fd00:1::12\nip netns exec ns1 ping -c 3 -i 0.2 -W 1 fd00:1::10\nip netns exec ns1 ping -c 3 -i 0.2 -W 1 fd00:1::12\nip netns exec ns2 ping -c 3 -i 0.2 -W 1 fd00:1::10\nip netns exec ns2 ping -c 3 -i 0.2 -W 1 fd00:1::11\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "ping6", Line: 125, args: []checkArg{{"from", "ns0"}, {"to", "fd00:1::11"}}},
					CheckSpec{Kind: "ping6", Line: 128, args: []checkArg{{"from", "ns0"}, {"to", "fd00:1::12"}, {"expect", "reply_unless_filtered"}}},
					CheckSpec{Kind: "ping6", Line: 133, args: []checkArg{{"from", "ns1"}, {"to", "fd00:1::10"}}},
					CheckSpec{Kind: "ping6", Line: 136, args: []checkArg{{"from", "ns1"}, {"to", "fd00:1::12"}}},
					CheckSpec{Kind: "ping6", Line: 139, args: []checkArg{{"from", "ns2"}, {"to", "fd00:1::10"}}},
					CheckSpec{Kind: "ping6", Line: 142, args: []checkArg{{"from", "ns2"}, {"to", "fd00:1::11"}}},
				},
			},
			Step{
				Title: "Look at neighbour discovery and the link-local addresses",
				Text:  "Every IPv6 interface has an address you never typed:\n\n    ip -n ns1 -6 addr show dev eth0 scope link\n\n`fe80::.../64`, made by the kernel when the link came up (from the\nMAC, or a stable hash of it). Link-local addresses exist on every\nlink at once, so one of them alone does not say where to send: give\nthe interface as its **scope**, after a `%`:\n\n    ip netns exec ns0 ping -c 2 fe80::...%eth0\n\n(with ns1's address; without `%eth0` ping answers `Invalid argument`).\nRouters announce themselves and hosts do ND from these addresses.\n\nThen the neighbour table, IPv6's ARP cache:\n\n    ip -n ns0 -6 neigh\n\nAfter the pings of step 2, ns0 knows `fd00:1::11` and `fd00:1::12`\nwith ns1's and ns2's eth0 MACs (`lladdr ...`), learned by neighbour\nsolicitation and advertisement: ICMPv6 types 135 and 136.\n",
				Hints: []Hint{
					Hint{
						Text: "Find ns1's link-local address (`ip -n ns1 -6 addr show dev eth0 scope link`) and ping it from ns0 with `%eth0` after it.",
						Line: 171,
					},
					Hint{
						Text: "An eth0 has no link-local address: bring it down and up (`ip -n NS link set eth0 down; ... up`), then add its fd00:1:: address again (down removes it).",
						When: "no-link-local",
						Line: 173,
					},
					Hint{
						Text: "IPv6 is disabled on that eth0: `ip netns exec NS sysctl -w net.ipv6.conf.eth0.disable_ipv6=0`.",
						When: "ipv6-disabled",
						Line: 175,
					},
					Hint{
						Text: "ns0 has no neighbour entry for that address yet: ping it (step 2).",
						When: "neigh-missing",
						Line: 177,
					},
					Hint{
						Text: "ns0's neighbour entry holds a MAC that is not the owner's: a static entry? Delete it: `ip -n ns0 neigh del ADDR dev eth0`, and let neighbour discovery find the right one.",
						When: "neigh-wrong-mac",
						Line: 179,
					},
					Hint{
						Text: "Neighbour discovery got no answer: the owner's neighbour advertisements (ICMPv6) do not come back. Is ICMPv6 dropped somewhere (`ip6tables -S`)?",
						When: "nd-failed",
						Line: 181,
					},
					Hint{
						Text: "No reply: something drops ICMPv6 (`ip netns exec NS ip6tables -S`).",
						When: "no-reply",
						Line: 183,
					},
				},
				Solution:    "ip -n ns0 -6 neigh show dev eth0\n",
				PassesEarly: true,
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr6", Line: 187, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"addr", "fe80::/64"}}},
					CheckSpec{Kind: "addr6", Line: 191, args: []checkArg{{"ns", "ns1"}, {"link", "eth0"}, {"addr", "fe80::/64"}}},
					CheckSpec{Kind: "addr6", Line: 195, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"addr", "fe80::/64"}}},
					CheckSpec{Kind: "ping6", Line: 199, args: []checkArg{{"from", "ns0"}, {"to", "link-local"}, {"dev", "eth0"}, {"peer", "eth0"}, {"peer_ns", "ns1"}}},
					CheckSpec{Kind: "neigh6", Line: 205, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"to", "fd00:1::11"}}},
					CheckSpec{Kind: "neigh6", Line: 209, args: []checkArg{{"ns", "ns0"}, {"link", "eth0"}, {"to", "fd00:1::12"}}},
				},
			},
			Step{
				Title: "Make br0 the IPv6 gateway",
				Text:  "As in lesson 4, the bridge gets an address on the namespaces'\nsubnet and becomes their way out; IPv6 has its own routing table, so\nthe IPv4 default route (if any) does nothing for it:\n\n    ip addr replace fd00:1::1/64 dev br0\n    ip -n ns0 -6 route add default via fd00:1::1\n    ip -n ns1 -6 route add default via fd00:1::1\n    ip -n ns2 -6 route add default via fd00:1::1\n    ip -n ns0 -6 route\n\nThe bridge's own address goes through DAD too: wait a second before\nyou ping it. (On a real network the router would announce itself\nwith router advertisements and hosts would learn this route alone:\nthat is what `radvd` or Docker's IPv6 mode does.)\n",
				Hints: []Hint{
					Hint{
						Text: "`ip addr add fd00:1::1/64 dev br0`, then `ip -n NS -6 route add default via fd00:1::1` in each namespace.",
						Line: 231,
					},
					Hint{
						Text: "A namespace has no IPv6 default route: `ip -n NS -6 route add default via fd00:1::1`. The IPv4 one does not count.",
						When: "no-default-route",
						Line: 233,
					},
					Hint{
						Text: "The IPv6 default route goes elsewhere: `ip -n NS -6 route replace default via fd00:1::1`.",
						When: "wrong-gateway",
						Line: 235,
					},
					Hint{
						Text: "br0 does not have fd00:1::1/64: `ip addr add fd00:1::1/64 dev br0` (in the root namespace).",
						When: "addr-missing",
						Line: 237,
					},
					Hint{
						Text: "br0's address is still tentative: wait a second for DAD.",
						When: "addr-tentative",
						Line: 239,
					},
					Hint{
						Text: "No reply from the gateway: is br0 up and its address usable (`ip -6 addr show dev br0`)?",
						When: "no-reply",
						Line: 241,
					},
				},
				Solution: "ip addr replace fd00:1::1/64 dev br0\nip -n ns0 -6 route replace default via fd00:1::1\nip -n ns1 -6 route replace default via fd00:1::1\nip -n ns2 -6 route replace default via fd00:1::1\nfor i in $(seq 50); do ip -6 addr show dev br0 tentative | grep -q inet6 || break; sleep 0.1; done\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "addr6", Line: 249, args: []checkArg{{"link", "br0"}, {"addr", "fd00:1::1/64"}}},
					CheckSpec{Kind: "route6", Line: 252, args: []checkArg{{"ns", "ns0"}, {"dst", "default"}, {"via", "fd00:1::1"}}},
					CheckSpec{Kind: "route6", Line: 256, args: []checkArg{{"ns", "ns1"}, {"dst", "default"}, {"via", "fd00:1::1"}}},
					CheckSpec{Kind: "route6", Line: 260, args: []checkArg{{"ns", "ns2"}, {"dst", "default"}, {"via", "fd00:1::1"}}},
					CheckSpec{Kind: "ping6", Line: 264, args: []checkArg{{"from", "ns0"}, {"to", "fd00:1::1"}}},
					CheckSpec{Kind: "ping6", Line: 267, args: []checkArg{{"from", "ns1"}, {"to", "fd00:1::1"}}},
					CheckSpec{Kind: "ping6", Line: 270, args: []checkArg{{"from", "ns2"}, {"to", "fd00:1::1"}}},
				},
			},
			Step{
				Title: "Filter ICMPv6 echo from ns0 in ns2, and keep neighbour discovery",
				Text:  "As in lesson 4, ns2 drops pings from ns0, now over IPv6. IPv6 has its\nown firewall tables: `iptables` filters IPv4 only, `ip6tables` (or\n`nft` with `ip6` or `inet` tables) IPv6:\n\n    ip netns exec ns2 ip6tables -C INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP 2>/dev/null || ip netns exec ns2 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP\n\nThe same with nft:\n\n    ip netns exec ns2 nft add table inet fw\n    ip netns exec ns2 nft add chain inet fw in '{ type filter hook input priority 0; }'\n    ip netns exec ns2 nft add rule inet fw in ip6 saddr fd00:1::10 icmpv6 type echo-request drop\n\nThe trap: in IPv4, dropping \"all ICMP\" only breaks ping. In IPv6,\nICMPv6 carries neighbour discovery: `ip6tables -A INPUT -p ipv6-icmp\n-j DROP` makes ns2 deaf to neighbour solicitations, and soon nobody\ncan reach it at all. Drop the echo requests, and only them.\n\nnetlab checks that ns0's pings get no answer, that ns1 still pings\nns2, and that ns2 still pings ns0 (ND to and from ns2 works).\n",
				Hints: []Hint{
					Hint{
						Text: "`ip netns exec ns2 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP`.",
						Line: 296,
					},
					Hint{
						Text: "Your rule drops all of ICMPv6, neighbour discovery included. Delete it and drop only `--icmpv6-type echo-request` from fd00:1::10.",
						When: "icmpv6-all-dropped",
						Line: 298,
					},
					Hint{
						Text: "ns0's pings still get answers: the rule must be an IPv6 one (`ip6tables`, or nft `ip6`/`inet`), in ns2's INPUT, matching source fd00:1::10.",
						When: "not-dropped",
						Line: 300,
					},
					Hint{
						Text: "A rule dropped more than ns0's echo requests (the why names it): `ip netns exec ns2 ip6tables -S`.",
						When: "dropped-by-rule",
						Line: 302,
					},
					Hint{
						Text: "Neighbour discovery failed: ICMPv6 types 135/136 must pass.",
						When: "nd-failed",
						Line: 304,
					},
				},
				Solution: "ip netns exec ns2 ip6tables -C INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP 2>/dev/null || ip netns exec ns2 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP\n",
				Checks: []CheckSpec{
					CheckSpec{Kind: "ping6", Line: 308, args: []checkArg{{"from", "ns0"}, {"to", "fd00:1::12"}, {"expect", "no_reply"}}},
					CheckSpec{Kind: "ping6", Line: 312, args: []checkArg{{"from", "ns1"}, {"to", "fd00:1::12"}}},
					CheckSpec{Kind: "ping6", Line: 315, args: []checkArg{{"from", "ns2"}, {"to", "fd00:1::10"}}},
					CheckSpec{Kind: "neigh6", Line: 318, args: []checkArg{{"ns", "ns2"}, {"link", "eth0"}, {"to", "fd00:1::10"}}},
				},
			},
		},
		File: "lessons/07-ipv6.yaml",
	}
}

func compiledLesson8() *Lesson {
	return &Lesson{
		ID:    8,
		Slug:  "troubleshoot",
		Title: "Find what is broken (on call for a network you did not build)",
		Intro: "Building a network from a plan is half of the job. The other half starts\nwith a message: \"the pods on node 3 cannot reach the database\", \"the\nguest Wi-Fi has no internet since the update\". Someone else built that\nnetwork, something in it changed, and nothing tells you what. This is\nthe everyday work of whoever is on call for Docker hosts, Kubernetes\nnodes (CNI plugins build exactly the veths, bridges, routes and rules of\nlessons 2-5) or a fleet of OpenWrt routers.\n\nIn this lesson netlab builds the finished network of an earlier lesson\n(2 `veth`, 3 `bridge`, 4 `iptables` or 5 `router`) and breaks it in\n**one** way, drawn from the mistakes learners and admins really make.\nYour job: find the fault and repair it, without starting over. There are\nthree rounds; each is a different network, broken differently.\n`netlab setup 8 --seed S` gives everyone with the same seed the same\nfaults (an instructor's exam); without it the seed is random and printed.\n\nThe method, which works on any Linux network, goes up the layers and\nstops at the first thing that is wrong:\n\n1. **links**: `ip -br link`. Is every end UP and LOWER_UP, in the right namespace, on the right bridge?\n2. **addresses**: `ip -br addr`. The planned address, with its prefix length?\n3. **routes**: `ip route`, `ip route get ADDRESS`. A route there, and a route back?\n4. **neighbours**: `ip neigh`. Does the next hop's address resolve (REACHABLE, not FAILED)?\n5. **rules**: `sysctl net.ipv4.ip_forward`, `iptables -S`. Is forwarding on? Does a firewall drop it?\n\nRun each command in every namespace of the network (`ip -n NS ...`, or\n`ip netns exec NS ...`), and in the lab's root namespace. `netlab check 8`\ntells you which of the lesson's checks fail (the symptoms), never why:\nthat is the exercise. `netlab hint 8` teaches the method first and then\nnarrows the search, one hint at a time; `netlab solve 8` repairs the\nround and tells you what the fault was.\n\nThe trap: fixing the symptom instead of the fault. A second default\nroute, a flushed firewall or a rebuilt namespace may make the ping work\nand leave the real fault (and a new one) in place. Repair exactly what\nis wrong; the round passes when the network passes **all** of its\nlesson's checks again.\n",
		Owns: Owns{
			Namespaces: []string{
				"ns0",
				"ns1",
				"ns2",
				"internet",
				"h1",
				"router",
				"h2",
			},
			Links: []string{
				"veth0",
				"veth1",
				"br0",
				"veth-ns0",
				"veth-ns1",
				"veth-ns2",
				"wan0",
			},
			Addrs: map[string][]string{
				"br0": []string{
					"10.0.1.1/24",
				},
				"wan0": []string{
					"203.0.113.254/24",
				},
			},
			Ports: map[string][]string{
				"br0": []string{
					"veth-ns0",
					"veth-ns1",
					"veth-ns2",
				},
			},
			NSLinks: []string{
				"lo",
				"veth0",
				"veth1",
				"eth0",
				"eth1",
				"eth2",
			},
			NSAddrs: []string{
				"127.0.0.1/8",
				"::1/128",
				"10.0.0.1/24",
				"10.0.0.2/24",
				"10.0.1.10/24",
				"10.0.1.11/24",
				"10.0.1.12/24",
				"203.0.113.1/24",
				"10.0.10.1/24",
				"10.0.10.2/24",
				"10.0.20.1/24",
				"10.0.20.2/24",
			},
			Rules: []RuleSpec{
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "br0",
					Oif:     "br0",
				},
				RuleSpec{
					Hook:    "postrouting",
					Verdict: "masquerade",
					Saddr:   "10.0.1.0/24",
					Oif:     "wan0",
				},
				RuleSpec{
					Hook:    "prerouting",
					Verdict: "dnat",
					Iif:     "wan0",
					Proto:   "tcp",
					Dport:   "8080",
					To:      "10.0.1.11:80",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "br0",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "br0",
					Oif:     "wan0",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Iif:     "wan0",
					Oif:     "br0",
					CtState: "established,related",
				},
				RuleSpec{
					Hook:    "forward",
					Verdict: "accept",
					Daddr:   "10.0.1.11/32",
					Iif:     "wan0",
					Oif:     "br0",
					Proto:   "tcp",
					Dport:   "80",
				},
				RuleSpec{
					Hook:    "input",
					Verdict: "drop",
					Saddr:   "10.0.1.10/32",
					Proto:   "icmp",
				},
			},
			Sysctls: []string{
				"net.ipv4.ip_forward",
			},
		},
		Steps: []Step{
			Step{
				Title: "Round 1: repair the first broken network",
				Text:  "netlab has built a finished network of an earlier lesson and broken\none thing in it (`netlab setup 8` if you have not run it; the guided\nlesson does it for you). `netlab check 8` shows which of that\nlesson's checks fail now: start from the symptom, then walk the\nmethod, layer by layer, in each namespace:\n\n    ip netns list\n    ip -n NS -br link\n    ip -n NS -br addr\n    ip -n NS route\n    ip -n NS neigh\n    ip netns exec NS sysctl net.ipv4.ip_forward\n    ip netns exec NS iptables -S\n\nand the same without `-n NS` for the lab's root namespace (`bridge\nlink` shows a bridge's ports). When the lesson's checks all pass\nagain, the round is done and the next network is broken.\n",
				Hints: []Hint{
					Hint{
						Text: "Start from the symptom: which check fails first (`netlab check 8`)? Then go up the layers in each namespace that takes part, and stop at the first thing that differs from the lesson's plan: links (`ip -br link`: UP and LOWER_UP), addresses (`ip -br addr`, the prefix too), routes (`ip route`, a route there and back), neighbours (`ip neigh`), rules (`sysctl net.ipv4.ip_forward`, `iptables -S`).",
						Line: 64,
					},
				},
				Round: 1,
			},
			Step{
				Title: "Round 2: repair the second broken network",
				Text:  "A different network, broken in a different way. Work the same\nmethod; resist \"fixing\" by rebuilding: on call, the network you get\nis the one you must repair. Compare what you see with the lesson the\nnetwork comes from (`netlab lesson N` shows its plan).\n",
				Hints: []Hint{
					Hint{
						Text: "Same method, new network: list the namespaces (`ip netns list`), read the plan of the lesson it comes from, then links, addresses, routes, neighbours and rules, in that order, in every namespace that takes part. The first thing that differs from the plan is your fault.",
						Line: 72,
					},
				},
				Round: 2,
			},
			Step{
				Title: "Round 3: repair the third broken network",
				Text:  "The last round. When it passes, `netlab check 8` passes as a whole.\nKeep a note of how you found each fault: the commands that showed it\nare your checklist for the next real outage.\n",
				Hints: []Hint{
					Hint{
						Text: "Links, addresses, routes, neighbours, rules: which layer did you check last time before you found it? Do them all, in every namespace, in that order; a working ping in one direction does not prove the way back.",
						Line: 79,
					},
				},
				Round: 3,
			},
		},
		Rounds: []string{
			"veth",
			"bridge",
			"iptables",
			"router",
		},
		File: "lessons/08-troubleshoot.yaml",
	}
}

func compiledTranslationsZH() map[string]*Translation {
	return map[string]*Translation{
		"bridge": &Translation{
			ID:    3,
			Slug:  "bridge",
			Title: "三个命名空间接到一个网桥上",
			Intro: "一个 veth 对只能连接两个命名空间。要连接更多，就需要一台交换机：Linux 内核自带了一个，那就是**网桥**（bridge）。网桥是一台存在于某个命名空间里的虚拟交换机（这里是实验环境的根命名空间）；你把接口作为**端口**插到它上面，它就在这些端口之间转发以太网帧，同时学习每个 MAC 地址位于哪个端口后面。\n\nDocker 的 `docker0` 就是这样的东西：宿主机命名空间里的一个网桥，每个容器配一个 veth 对，一端（`eth0`）在容器里，另一端插在 `docker0` 上。这一课你就亲手搭一个同样的结构：\n\n                      br0 (root namespace)\n                 /          |          \\\n         veth-ns0       veth-ns1       veth-ns2\n             |              |              |\n    ns0: eth0 10.0.1.10  ns1: eth0 10.0.1.11  ns2: eth0 10.0.1.12\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "创建网桥 br0 并启用它",
					Text:  "在实验环境的根命名空间里创建一个网桥，并把它启用：\n\n    ip link add br0 type bridge\n    ip link set br0 up\n    ip -d link show br0\n\n`ip -d`（details，显示详情）会打印出 `bridge forward_delay ...`：说明这是一个网桥。现在还没有任何端口，所以即使你已经把它设为 up，状态仍显示为 `DOWN` 或 `UNKNOWN`：网桥要等有端口启用后才有载波。这一步 netlab 检查的是管理状态。\n\n老工具 `brctl addbr br0`（bridge-utils 软件包）也能做同样的事；不过如今到处都能找到的是 iproute2 里的 `ip` 和 `bridge`。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "先 `ip link add br0 type bridge`，再 `ip link set br0 up`。",
						},
						HintTranslation{
							Text: "br0 已经存在，但还是 down 的：`ip link set br0 up`。",
							When: "link-down",
						},
						HintTranslation{
							Text: "br0 已经存在，但它不是网桥。删掉它（`ip link del br0`），再用 `type bridge` 重新创建。",
							When: "link-wrong-type",
						},
					},
				},
				StepTranslation{
					Title: "创建 ns0、ns1 和 ns2，并在每个里面启用 lo",
					Text:  "用三个命名空间扮演三个容器。（每节引导课都从一个全新的实验环境开始。只有加了 `--host`、直接在宿主机上做的时候，第 2 课留下的 `ns0` 和 `ns1` 才可能还在：可以留着它们，只补上缺的部分，旧的那对 veth 不碍事；也可以用 `netlab reset 2` 清理干净再开始。）\n\n    ip netns add ns0\n    ip netns add ns1\n    ip netns add ns2\n    ip -n ns0 link set lo up\n    ip -n ns1 link set lo up\n    ip -n ns2 link set lo up\n\n`ip netns list` 应该列出全部三个。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "每个命名空间执行一次 `ip netns add NAME`，然后在每个里面执行 `ip -n NAME link set lo up`。",
						},
						HintTranslation{
							Text: "缺少命名空间 {ns}：`ip netns add {ns}`（`ip netns add` 一次只建一个）。",
							When: "ns-missing",
						},
						HintTranslation{
							Text: "{ns} 里的 lo 是 down 的：`ip -n {ns} link set lo up`。",
							When: "lo-down",
						},
					},
					Solution: "# 第 1、2 课可能留下了 ns0 和 ns1：ip netns add 不会重复创建已有的名字。\ntest -e /run/netns/ns0 || ip netns add ns0\ntest -e /run/netns/ns1 || ip netns add ns1\ntest -e /run/netns/ns2 || ip netns add ns2\nip -n ns0 link set lo up\nip -n ns1 link set lo up\nip -n ns2 link set lo up\n",
				},
				StepTranslation{
					Title: "用 veth 对把每个命名空间接到 br0 上",
					Text:  "为每个命名空间创建一个 veth 对：一端是命名空间里的 `eth0`，另一端是 `br0` 的一个端口。以 `ns0` 为例：\n\n    ip link add veth-ns0 type veth peer name eth0 netns ns0\n    ip link set veth-ns0 master br0\n    ip link set veth-ns0 up\n    ip -n ns0 link set eth0 up\n\n`peer name eth0 netns ns0` 直接在 `ns0` 里创建对端：每个命名空间里都可以有一个 `eth0`，但根命名空间里不能同时有三个。`ip link set veth-ns0 master br0` 把根命名空间这一端插到网桥上（老办法是 `brctl addif br0 veth-ns0`）。对 `ns1`（`veth-ns1`）和 `ns2`（`veth-ns2`）做同样的操作。\n\n检查一下：\n\n    bridge link\n    ip -n ns0 link show eth0\n\n`bridge link` 会列出三个端口，都带有 `master br0 state forwarding`；每个 `eth0` 都显示 `state UP`。veth 只有两端都启用才有载波，所以如果 `eth0` 显示 `LOWERLAYERDOWN`，说明它在网桥那一端还是 down 的。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "每个命名空间：`ip link add veth-nsN type veth peer name eth0 netns nsN`、`ip link set veth-nsN master br0`、`ip link set veth-nsN up`、`ip -n nsN link set eth0 up`。",
						},
						HintTranslation{
							Text: "这对 veth 在网桥一侧的那一端还不是 br0 的端口：`ip link set NAME master br0`（或者 `brctl addif br0 NAME`）。",
							When: "port-not-attached",
						},
						HintTranslation{
							Text: "eth0 的另一端不在 br0 所在的根命名空间里，所以当不了 br0 的端口。把它移回来：`ip -n NS link set NAME netns 1`。",
							When: "port-wrong-ns",
						},
						HintTranslation{
							Text: "eth0 不在命名空间里：用 `ip link set eth0 netns NS` 把它移进去（或者用 `peer name eth0 netns NS` 直接在那里创建对端）。",
							When: "veth-not-moved",
						},
						HintTranslation{
							Text: "eth0 启用了，但它在网桥一侧的那一端是 down 的：在根命名空间里执行 `ip link set NAME up`。",
							When: "peer-down",
						},
						HintTranslation{
							Text: "{ns} 里的 eth0 是 down 的：`ip -n {ns} link set eth0 up`。",
							When: "link-down",
						},
					},
				},
				StepTranslation{
					Title: "给每个 eth0 配上 10.0.1.0/24 网段的地址",
					Text:  "把三个命名空间放到同一个子网里：\n\n    ip -n ns0 addr add 10.0.1.10/24 dev eth0\n    ip -n ns1 addr add 10.0.1.11/24 dev eth0\n    ip -n ns2 addr add 10.0.1.12/24 dev eth0\n\n网桥本身转发帧并不需要地址：它工作在二层，就像一台普通交换机。（第 4 课会给它配一个地址，让它成为这些命名空间的网关。）`/24` 的作用和上一课一样：让每个命名空间认为整个 10.0.1.0/24 都可以经自己的 `eth0` 直接到达。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n ns0 addr add 10.0.1.10/24 dev eth0`，ns1 用 .11，ns2 用 .12。",
						},
						HintTranslation{
							Text: "前缀长度不对：删掉这个地址，再用 /24 重新添加。",
							When: "wrong-prefix",
						},
						HintTranslation{
							Text: "有个地址配错了命名空间：ns0 用 .10，ns1 用 .11，ns2 用 .12。",
							When: "addr-wrong-end",
						},
						HintTranslation{
							Text: "地址配错了接口：它应该配在 eth0 上。",
							When: "addr-wrong-link",
						},
						HintTranslation{
							Text: "两个命名空间用了同一个地址：每个 eth0 都要有自己的地址（ns0 .10、ns1 .11、ns2 .12）。用 `ip -n NS addr del ...` 删掉重复的那个。",
							When: "dup-addr",
						},
					},
				},
				StepTranslation{
					Title: "每个命名空间都能 ping 通另外两个",
					Text:  "六个方向都试一遍：\n\n    ip netns exec ns0 ping -c 2 10.0.1.11\n    ip netns exec ns0 ping -c 2 10.0.1.12\n    ip netns exec ns1 ping -c 2 10.0.1.10\n    ip netns exec ns1 ping -c 2 10.0.1.12\n    ip netns exec ns2 ping -c 2 10.0.1.10\n    ip netns exec ns2 ping -c 2 10.0.1.11\n\n每次 ping 都从一个 ARP 广播开始，网桥把它从所有端口泛洪出去；地址的主人作答，网桥只把应答转发到提问者所在的那个端口。\n\n如果一切看起来都没问题，命名空间之间的 ping 却没有应答，看一看 `sysctl net.bridge.bridge-nf-call-iptables`：它为 1 时（加载了 `br_netfilter` 模块，装了 Docker 的机器都是这样），经网桥转发的帧也要过 iptables 的 `FORWARD` 链，而 Docker 把这条链的默认策略设成了 `DROP`。用 `iptables -I FORWARD -i br0 -o br0 -j ACCEPT` 放行网桥自己的流量（这条规则提到了 br0，`netlab reset` 会把它再删掉）。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "如果某个命名空间访问不到另一个，检查它的 eth0（`ip -n NS addr`、`ip -n NS link`），再看它在网桥一侧的那一端是不是端口、是否已启用（`bridge link`）。",
						},
						HintTranslation{
							Text: "没有应答：br0 的每个端口是否都已启用，并处于 forwarding 状态（`bridge link`）？",
							When: "no-reply",
						},
						HintTranslation{
							Text: "内核没有路由：地址或者它的 /24 没配上（第 4 步）。",
							When: "no-route",
						},
						HintTranslation{
							Text: "br0 是 down 的，所以它不会在端口之间转发任何东西：`ip link set br0 up`。",
							When: "bridge-down",
						},
						HintTranslation{
							Text: "有个命名空间的网线没插到网桥上：`ip link set veth-nsN master br0`。",
							When: "port-not-attached",
						},
						HintTranslation{
							Text: "有个网桥端口是 down 的：`ip link set veth-nsN up`（用 `bridge link` 检查）。",
							When: "port-down",
						},
						HintTranslation{
							Text: "br0 有个端口的 STP 状态不是 forwarding（`bridge link` 能看到）。等 STP 收敛，或者关掉 STP：`ip link set br0 type bridge stp_state 0`。",
							When: "port-not-forwarding",
						},
						HintTranslation{
							Text: "网桥本身没问题，但 br_netfilter 把经网桥转发的帧交给了 iptables，而 FORWARD 链的默认策略是 DROP（Docker 就会这么设）。放行它们：`iptables -A FORWARD -i br0 -o br0 -j ACCEPT`（或者 `sysctl -w net.bridge.bridge-nf-call-iptables=0`）。",
							When: "br-netfilter-drop",
						},
						HintTranslation{
							Text: "有一条防火墙规则丢弃了这些 ping（原因里写明了是哪一条，还给出了删除它的命令）。命名空间自己的 INPUT 链过滤发给它的流量：`ip netns exec NS iptables -S`。",
							When: "dropped-by-rule",
						},
						HintTranslation{
							Text: "你 ping 的地址不在网桥后面任何一个 eth0 上：逐个检查各命名空间的 `ip -n NS addr`（第 4 步）。",
							When: "addr-missing",
						},
						HintTranslation{
							Text: "br0 有两个端口被设成了隔离（isolated）：隔离端口只能和非隔离端口通信。`bridge -d link show` 会显示 `isolated on`；用 `bridge link set dev PORT isolated off` 关掉它。",
							When: "port-isolated",
						},
						HintTranslation{
							Text: "br0 有个端口不泛洪广播，所以 ARP 请求永远过不去。`bridge -d link show` 会显示 `bcast_flood off`；执行 `bridge link set dev PORT bcast_flood on`。",
							When: "port-bcast-flood-off",
						},
						HintTranslation{
							Text: "br0 有个端口关掉了泛洪，而网桥又学不到它后面的 MAC：发往那个命名空间的帧无处可去。执行 `bridge link set dev PORT flood on learning on`。",
							When: "port-flood-off",
						},
						HintTranslation{
							Text: "br0 有个端口被锁定了（`bridge -d link show` 里显示 `locked on`）：它会丢弃源 MAC 不在转发数据库（fdb）里的帧。执行 `bridge link set dev PORT locked off`。",
							When: "port-locked",
						},
					},
				},
				StepTranslation{
					Title: "看看网桥学到了什么",
					Text:  "交换机会学习：每个从端口进来的帧都告诉它“这个源 MAC 在这个端口后面”。看一下网桥的转发数据库（FDB）：\n\n    bridge fdb show br br0\n    ip -n ns0 link show eth0\n\n在列表里找到每个命名空间 `eth0` 的 MAC（`link/ether ...`），形如 `... dev veth-ns0 master br0`：网桥是在通往 `ns0` 的那个端口上学到它的。标着 `permanent` 的表项是网桥自己端口的地址。学到的表项在 300 秒没有流量后老化删除；再 ping 一次，网桥就又学会了。\n\nnetlab 在自己发完 ping 之后检查这一步，所以填满这张表的是第 5 步产生的流量。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "先在命名空间之间互相 ping（第 5 步），再看 `bridge fdb show br br0`。",
						},
						HintTranslation{
							Text: "网桥还没学到这个 MAC：那个命名空间还没有帧经过网桥。从它那里 ping 一下。",
							When: "fdb-not-learned",
						},
						HintTranslation{
							Text: "有个端口关掉了学习功能：网桥会泛洪那个命名空间的帧，却从不记录它的 MAC。用 `bridge link set dev PORT learning on` 重新打开（`bridge -d link show` 能看到这个标志）。",
							When: "port-learning-off",
						},
						HintTranslation{
							Text: "br0 会立刻忘掉所有 MAC：它的 ageing_time 是 0（`ip -d link show br0`）。恢复默认值：`ip link set br0 type bridge ageing_time 30000`。",
							When: "fdb-ageing-zero",
						},
					},
				},
			},
			File: "zh/03-bridge.yaml",
		},
		"iptables": &Translation{
			ID:    4,
			Slug:  "iptables",
			Title: "包过滤与 NAT（手工搭一个 docker0）",
			Intro: "第 3 课搭了一台交换机；这一课把它变成 Docker 在每台宿主机上搭的那一套：网桥成为各命名空间的**网关**，其中一个命名空间里用防火墙规则过滤流量，实验环境的根命名空间把它们的流量**伪装**（源地址转换）后送到一个“互联网”上，再用**端口转发**让互联网能访问命名空间里的服务器，就像 `docker run -p 8080:80` 那样。\n\n这一课从第 3 课完成后的状态开始（`netlab solve 3` 可以直接搭好）。防火墙规则用 `iptables` 来写；用 `nft` 也完全可以，netlab 读取的是内核里的规则集，两种写法都认。\n\n     internet: eth0 203.0.113.1/24\n            |\n      wan0 203.0.113.254/24  (root namespace, forwarding + NAT)\n      br0  10.0.1.1/24\n       /        |        \\\n    ns0 .10   ns1 .11   ns2 .12\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "让 br0 成为 ns0、ns1 和 ns2 的网关",
					Text:  "到目前为止，网桥只负责交换帧。给它配一个命名空间所在子网里的地址，它就同时成了这个子网上的一台主机：根命名空间从此可以和各命名空间通信，也可以替它们做路由。\n\n    ip addr add 10.0.1.1/24 dev br0\n    ip -n ns0 route add default via 10.0.1.1\n    ip -n ns1 route add default via 10.0.1.1\n    ip -n ns2 route add default via 10.0.1.1\n    ip netns exec ns0 ping -c 2 10.0.1.1\n\n**默认路由**的意思是：“凡是没有更具体路由的，都交给 10.0.1.1”。现在 `ip -n ns0 route` 在子网自己的路由上面多了一条 `default via 10.0.1.1 dev eth0`。这正是 `docker0`（172.17.0.1）对每个容器扮演的角色。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "先 `ip addr add 10.0.1.1/24 dev br0`，再在每个命名空间里执行 `ip -n NS route add default via 10.0.1.1`。",
						},
						HintTranslation{
							Text: "{ns} 没有默认路由：`ip -n {ns} route add default via 10.0.1.1`。",
							When: "no-default-route",
						},
						HintTranslation{
							Text: "{ns} 的默认路由指向了错误的网关：`ip -n {ns} route replace default via 10.0.1.1`。",
							When: "wrong-gateway",
						},
						HintTranslation{
							Text: "br0 上地址的前缀长度不对：删掉它，再添加 10.0.1.1/24。",
							When: "wrong-prefix",
						},
						HintTranslation{
							Text: "br0 上没有 10.0.1.1/24：`ip addr add 10.0.1.1/24 dev br0`（在根命名空间里，配在网桥本身上）。",
							When: "addr-missing",
						},
					},
				},
				StepTranslation{
					Title: "在 ns2 里丢弃来自 ns0 的 ping",
					Text:  "每个命名空间都有自己的一套 netfilter 表。在 `ns2` 里添加的规则，只过滤进入 `ns2` 的流量：\n\n    ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP\n    ip netns exec ns2 iptables -L INPUT -v -n\n\n`-A INPUT` 把规则追加到 INPUT 链上，这条链处理的是目的地址为 `ns2` 自己的数据包；`-p icmp -s 10.0.1.10` 匹配来自 `ns0` 的 ICMP；`-j DROP` 把它悄悄丢掉，不作任何回应。现在：\n\n    ip netns exec ns0 ping -c 2 -W 1 10.0.1.12   # 100% 丢包\n    ip netns exec ns1 ping -c 2 10.0.1.12        # 照样有应答\n\n同时这条规则的包计数（`iptables -L -v`）会增长。（这会有意让第 3 课的“每个命名空间都能 ping 通另外两个”失败：只要这一步保持通过，`netlab check --all` 就把那两个 ping 记为被这一步取代。）被丢弃的只有 ICMP：从 `ns0` 到 `ns2` 的 TCP 仍然是通的，netlab 会在 `ns2` 里跑一个小小的 TCP 服务器来证明这一点。\n\n注意：不加 `ip netns exec ns2` 直接执行 `iptables -A INPUT ...`，规则就写进了根命名空间，在那里它对命名空间之间的流量毫无作用。用 nft 写同样的规则：`ip netns exec ns2 nft add rule ip filter INPUT ip saddr 10.0.1.10 icmp type echo-request drop`（先建好对应的表和链），同样算数。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP`：规则必须在 ns2 里面。",
						},
						HintTranslation{
							Text: "你的规则在别的命名空间里（多半是根命名空间，敲命令时漏了 `ip netns exec ns2`）。每个命名空间都有自己的防火墙：在那边删掉它（`iptables -D INPUT -p icmp -s 10.0.1.10 -j DROP`），再到 ns2 里添加。",
							When: "rule-wrong-ns",
						},
						HintTranslation{
							Text: "ns0 仍然能收到 10.0.1.12 的应答：ns2 里没有规则丢弃它的回显请求。你的规则是不是加到了根命名空间而不是 ns2？用 `ip netns exec ns2 iptables -S` 查一下。",
							When: "not-dropped",
						},
						HintTranslation{
							Text: "从 ns0 到 ns2 的 TCP 也不通了：你的规则丢掉的不止 ICMP。加上 `-p icmp`。",
							When: "tcp-failed",
						},
						HintTranslation{
							Text: "ns2 里没有丢弃来自 10.0.1.10 的 ICMP 的规则：要在 ns2 里执行 iptables（`ip netns exec ns2 iptables ...`）。",
							When: "rule-missing",
						},
						HintTranslation{
							Text: "你的规则放在了回显请求根本不经过的链上。发给 ns2 自己的包走的是 INPUT 链：`ip netns exec ns2 iptables -A INPUT -p icmp -s 10.0.1.10 -j DROP`。",
							When: "rule-wrong-chain",
						},
						HintTranslation{
							Text: "你的 DROP 规则丢掉的不只是来自 ns0 的 ping（计数器显示它匹配了这次探测）。加上 `-p icmp` 和 `-s 10.0.1.10`，并删掉那条范围过大的规则（`ip netns exec ns2 iptables -D INPUT ...`）。",
							When: "dropped-by-rule",
						},
						HintTranslation{
							Text: "你的 DROP 规则在 ns2 的 INPUT 链上，但从没匹配过：检查是 `-s 10.0.1.10`（不是 `-d`），以及有没有 `-p icmp`。",
							When: "rule-no-match",
						},
						HintTranslation{
							Text: "你的 DROP 规则没错；错的是根命名空间里一条带 `-o br0` 的 MASQUERADE 规则。加载了 br_netfilter 时，从 ns0 经网桥转发到 ns2 的帧也要经过根命名空间的 nat 表，出接口是 br0，于是那条规则把它们的源地址改写成了 10.0.1.1。删掉它（`iptables -t nat -D POSTROUTING -s 10.0.1.0/24 -o br0 -j MASQUERADE`）：伪装应该做在 wan0 上。",
							When: "masquerade-bridged",
						},
					},
				},
				StepTranslation{
					Title: "搭建外部世界",
					Text:  "再用一个命名空间 `internet` 扮演“互联网”，用一个 veth 对把它和实验环境的根命名空间连起来：`wan0` 在根命名空间里（相当于宿主机的上行口），`eth0` 在 `internet` 里。\n\n    ip netns add internet\n    ip -n internet link set lo up\n    ip link add wan0 type veth peer name eth0 netns internet\n    ip addr add 203.0.113.254/24 dev wan0\n    ip -n internet addr add 203.0.113.1/24 dev eth0\n    ip link set wan0 up\n    ip -n internet link set eth0 up\n    ping -c 2 203.0.113.1\n\n203.0.113.0/24 是专门留给文档示例的网段，可以放心使用。注意 `internet` **没有**什么：去往 10.0.1.0/24 的路由（`ip -n internet route` 只显示 203.0.113.0/24）。真实互联网上的路由器同样对你的私有网络一无所知，所以来自 10.0.1.10 的包发得出去，应答却永远回不来。下一步用 NAT 来解决这个问题，而不是加路由。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "先 `ip netns add internet`，再 `ip link add wan0 type veth peer name eth0 netns internet`，配上两个地址，并启用两端。",
						},
						HintTranslation{
							Text: "internet 有去往 10.0.1.0/24 的路由：删掉它（`ip -n internet route del 10.0.1.0/24` 或 `ip -n internet route del default`）；应答只能靠 NAT 带回来。",
							When: "route-should-be-absent",
						},
						HintTranslation{
							Text: "wan0 必须留在根命名空间里，它的对端 eth0 必须在 internet 里。",
							When: "peer-wrong-ns",
						},
						HintTranslation{
							Text: "wan0 这对 veth 有一端是 down 的：veth 只有两端都启用才有载波。",
							When: "peer-down",
						},
					},
				},
				StepTranslation{
					Title: "把命名空间伪装到 wan0 后面",
					Text:  "两件事就能把根命名空间变成一台带 NAT 的路由器：\n\n    sysctl -w net.ipv4.ip_forward=1\n    iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE\n    ip netns exec ns0 ping -c 2 203.0.113.1\n\n`ip_forward=1` 让这个命名空间转发目的地址不是自己的包（从 br0 转到 wan0）。**MASQUERADE**（伪装）规则放在 `nat` 表的 `POSTROUTING` 链上：来自 10.0.1.0/24、从 `wan0` 出去的包，源地址被改写成 `wan0` 自己的地址 203.0.113.254。`internet` 回应的是它到得了的 203.0.113.254；conntrack 记住了这次转换，再把应答的目的地址改回 10.0.1.10。家用路由器和 Docker 都是这么工作的。\n\n留意 `-o wan0`：把 MASQUERADE 做在错误的接口上（`-o br0`），去往互联网的包就匹配不上。更糟的是，加载了 `br_netfilter` 时（`sysctl net.bridge.bridge-nf-call-iptables` 为 1，装了 Docker 的宿主机都是这样），命名空间之间经网桥转发的帧也要经过根命名空间的 nat 表，出接口就是 br0：`-o br0` 会把 ns0 发往 ns2 的 ping 的源地址改写成 10.0.1.1，于是第 2 步里 ns2 的 DROP 规则就再也匹配不到它们了。`iptables -t nat -L -v -n` 可以看到规则的计数。在装了 Docker 的宿主机上，`FORWARD` 链的默认策略是 `DROP`：那里还需要 `iptables -A FORWARD -i br0 -j ACCEPT` 以及反方向的规则（netlab 自己的实验命名空间一开始是 ACCEPT）。\n\n`reset` 不会把 `ip_forward` 改回关闭：这是整个命名空间的设置，别的东西可能依赖它。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "先 `sysctl -w net.ipv4.ip_forward=1`，再 `iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE`（在根命名空间里）。",
						},
						HintTranslation{
							Text: "根命名空间的转发是关闭的：`sysctl -w net.ipv4.ip_forward=1`。",
							When: "ip-forward-off",
						},
						HintTranslation{
							Text: "包到达 internet 时源地址还是 10.0.1.x：MASQUERADE 规则缺失，或者匹配了错误的接口。它需要在 nat 表的 POSTROUTING 链上，并带 `-o wan0`。",
							When: "no-snat",
						},
						HintTranslation{
							Text: "你的 MASQUERADE 规则匹配错了包：它需要 `-o wan0`（通往互联网的接口）和 `-s 10.0.1.0/24`。删掉它（用同样的参数执行 `iptables -t nat -D POSTROUTING ...`），再添加正确的规则。",
							When: "rule-mismatch",
						},
						HintTranslation{
							Text: "没有匹配的 MASQUERADE 规则：在 `iptables -t nat -S POSTROUTING` 里检查 `-o wan0` 和 `-s 10.0.1.0/24`。",
							When: "rule-missing",
						},
						HintTranslation{
							Text: "ns0 没有默认路由，所以它只认识 10.0.1.0/24：`ip -n ns0 route add default via 10.0.1.1`（第 1 步）。",
							When: "no-default-route",
						},
						HintTranslation{
							Text: "ns0 的默认路由指向了一个没人用的地址：`ip -n ns0 route replace default via 10.0.1.1`。",
							When: "wrong-gateway",
						},
						HintTranslation{
							Text: "包带着源地址 10.0.1.10 出去了，而 internet 没有回到它的路由。改写源地址：`iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE`。",
							When: "masquerade-missing",
						},
						HintTranslation{
							Text: "你的 MASQUERADE 规则写错了出接口：去往互联网的包从 wan0 出去。用 `-o wan0`。",
							When: "masq-wrong-if",
						},
						HintTranslation{
							Text: "根命名空间 FORWARD 链的默认策略是 DROP：放行局域网的流量，`iptables -A FORWARD -i br0 -o wan0 -j ACCEPT` 和 `iptables -A FORWARD -i wan0 -o br0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`。",
							When: "forward-drop",
						},
					},
				},
				StepTranslation{
					Title: "把 wan0 的 8080 端口转发到 ns1 的 80 端口",
					Text:  "反方向：让 `ns1` 里的服务器能从互联网访问到，就像 `docker run -p 8080:80` 做的那样。目的地址转换（DNAT）改写进来的连接的目的地址：\n\n    iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80\n\n`PREROUTING` 在路由决策之前执行，所以参与路由的是改写后的目的地址 10.0.1.11：从 `br0` 出去，到 `ns1`。应答经 conntrack 返回，源地址被恢复成 203.0.113.254:8080。\n\n用一个真的服务器试试：\n\n    ip netns exec ns1 python3 -m http.server 80 &\n    ip netns exec internet curl http://203.0.113.254:8080/\n\nnetlab 检查时会在 `ns1` 的 10.0.1.11:80 上启动自己的 TCP 探测服务器，而你的服务器占着那里的 80 端口时它就起不来：先停掉你的（在启动它的那个 shell 里执行 `kill %1`），再运行 `netlab check 4`。（端口被占时，`netlab check 4` 会告诉你端口已被占用，以及你的 DNAT 规则是否已经就位。）\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80`。",
						},
						HintTranslation{
							Text: "你的 DNAT 规则没有把 wan0 的 8080 端口转发到 10.0.1.11:80：查看 `iptables -t nat -S PREROUTING`，用 `-D` 删掉它，再添加正确的规则。",
							When: "rule-mismatch",
						},
						HintTranslation{
							Text: "根命名空间里没有针对 8080 端口的 DNAT 规则：`iptables -t nat -S PREROUTING` 能看到现有的规则。",
							When: "rule-missing",
						},
						HintTranslation{
							Text: "来自 internet 的连接没有到达 ns1：DNAT 规则是否在根命名空间 nat 表的 PREROUTING 链上，并带有 `--dport 8080` 和 `--to-destination 10.0.1.11:80`？",
							When: "tcp-failed",
						},
						HintTranslation{
							Text: "DNAT 规则生效了，但 FORWARD 链的默认策略丢弃了改写后的连接：`iptables -A FORWARD -i wan0 -o br0 -p tcp -d 10.0.1.11 --dport 80 -j ACCEPT`。",
							When: "dnat-no-forward",
						},
						HintTranslation{
							Text: "你的 DNAT 规则匹配不上发往 203.0.113.254:8080 的连接：它需要 `-p tcp --dport 8080` 和 `--to-destination 10.0.1.11:80`。",
							When: "dnat-wrong",
						},
						HintTranslation{
							Text: "没有任何规则改写发往 203.0.113.254:8080 的连接：添加 `iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.11:80`。",
							When: "dnat-missing",
						},
						HintTranslation{
							Text: "ns1 的 80 端口被占用了，多半是你自己的 `python3 -m http.server 80`：netlab 的探测服务器需要这个端口。停掉你的服务器（在启动它的地方执行 `kill %1`，或者用 `ip netns exec ns1 ss -ltnp` 找到它），然后再检查一次。",
							When: "probe-port-taken",
						},
					},
				},
			},
			Supersedes: []SupersedesTranslation{
				SupersedesTranslation{
					Because: "ns2 有意丢弃来自 ns0 的 ICMP",
				},
			},
			File: "zh/04-iptables.yaml",
		},
		"ipv6": &Translation{
			ID:    7,
			Slug:  "ipv6",
			Title: "第 3 课的网桥，换成 IPv6",
			Intro: "IPv6 和 IPv4 跑在完全相同的链路上：第 3 课的网桥、veth 和命名空间，除了地址什么都不用新加。变的是主机之间互相发现的方式。IPv6 没有 ARP：由**邻居发现**（Neighbor Discovery，ND）用 ICMPv6 报文来完成这件事；每个接口都有一个自己生成的**链路本地**地址（fe80::/64）；新地址要等**重复地址检测**（DAD）确认链路上没有别的主机在用之后才会启用。\n\nDocker 加上 `--ipv6` 时做的就是这些（它的网桥成为容器的 IPv6 网关），每个 Kubernetes 双栈集群也是如此。这一课从第 3 课完成后的状态开始（`netlab setup 7` 或 `netlab solve 3` 可以直接搭好）；IPv4 地址保持不变：\n\n                 br0  fd00:1::1/64 (root namespace)\n                /          |           \\\n    ns0: eth0          ns1: eth0          ns2: eth0\n    fd00:1::10/64      fd00:1::11/64      fd00:1::12/64\n    fe80::.../64       fe80::.../64       fe80::.../64\n\n`fd00::/8` 是 IPv6 的私有地址段（唯一本地地址，ULA），相当于 IPv4 的 10.0.0.0/8。\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "给每个 eth0 配上 IPv6 地址，并等 DAD 完成",
					Text:  "配地址的方法和 IPv4 完全一样，地址的写法本身就表明了是 `-6`：\n\n    ip -n ns0 addr add fd00:1::10/64 dev eth0\n    ip -n ns1 addr add fd00:1::11/64 dev eth0\n    ip -n ns2 addr add fd00:1::12/64 dev eth0\n    ip -n ns0 -6 addr show dev eth0\n\n赶紧看一眼：新地址带着 `tentative` 标志。内核会先在链路上问一句（发一个 ICMPv6 邻居请求）有没有谁已经在用这个地址；大约一秒内没人应答，这个标志才会消失，地址才能用。如果有邻居应答了，地址就会显示 `dadfailed`，并且永远不可用：删掉它，换一个地址。\n\n链路上的 IPv6 子网总是 /64。顺便提一个陷阱：`ip link set eth0 down` 会删掉你手工添加的 IPv6 地址（IPv4 地址会保留），除非 `net.ipv6.conf.eth0.keep_addr_on_down` 为 1。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n ns0 addr add fd00:1::10/64 dev eth0`，ns1 用 ::11，ns2 用 ::12；然后等一秒，让 DAD 完成。",
						},
						HintTranslation{
							Text: "这个地址被标记为 dadfailed：链路上另一个命名空间已经在用它了。删掉它（`ip -n NS addr del ADDR/64 dev eth0`），再添加正确的地址：ns0 ::10、ns1 ::11、ns2 ::12。",
							When: "dad-failed",
						},
						HintTranslation{
							Text: "这个地址还是 tentative：DAD 还没完成。等一秒；如果一直这样，说明链路没有载波（网桥那一端启用了吗？）。",
							When: "addr-tentative",
						},
						HintTranslation{
							Text: "这个 eth0 上禁用了 IPv6：`ip netns exec NS sysctl -w net.ipv6.conf.eth0.disable_ipv6=0`，然后重新添加地址。",
							When: "ipv6-disabled",
						},
						HintTranslation{
							Text: "地址不见了：`ip -n NS -6 addr` 可以看到现有的地址。（eth0 是不是 down 过又 up 了？那会删掉手工添加的 IPv6 地址。）",
							When: "addr-missing",
						},
						HintTranslation{
							Text: "地址配错了命名空间：ns0 用 ::10，ns1 用 ::11，ns2 用 ::12。",
							When: "addr-wrong-end",
						},
						HintTranslation{
							Text: "前缀长度不对：IPv6 子网是 /64。删掉这个地址，再用 /64 重新添加。",
							When: "wrong-prefix",
						},
					},
					Solution: "ip -n ns0 addr replace fd00:1::10/64 dev eth0\nip -n ns1 addr replace fd00:1::11/64 dev eth0\nip -n ns2 addr replace fd00:1::12/64 dev eth0\n# DAD 大约需要一秒：等到没有任何地址处于 tentative 状态为止。\nfor ns in ns0 ns1 ns2; do for i in $(seq 50); do ip -n $ns -6 addr show tentative | grep -q inet6 || break; sleep 0.1; done; done\n",
				},
				StepTranslation{
					Title: "每个命名空间都能通过 IPv6 ping 通另外两个",
					Text:  "目标是 IPv6 地址时，`ping` 会自己选用 IPv6（`ping -6` 或者老的 `ping6` 是显式指定）：\n\n    ip netns exec ns0 ping -c 2 fd00:1::11\n    ip netns exec ns0 ping -c 2 fd00:1::12\n    ip netns exec ns1 ping -c 2 fd00:1::10\n    ip netns exec ns1 ping -c 2 fd00:1::12\n    ip netns exec ns2 ping -c 2 fd00:1::10\n    ip netns exec ns2 ping -c 2 fd00:1::11\n\n网桥像转发其他帧一样转发 IPv6 帧：它是交换机，不关心帧里装的是什么。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "如果某个命名空间访问不到另一个，看看它的 `ip -n NS -6 addr`（tentative？dadfailed？）和 `ip -n NS -6 route`。",
						},
						HintTranslation{
							Text: "没有应答：要么途中有什么丢掉了 ICMPv6（`ip netns exec NS ip6tables -S`），要么帧没有穿过网桥（`bridge link`）。",
							When: "no-reply",
						},
						HintTranslation{
							Text: "有一条防火墙规则丢弃了这些 ping（原因里写明了是哪一条）。",
							When: "dropped-by-rule",
						},
						HintTranslation{
							Text: "没有谁回应对这个地址的邻居发现：它配在正确的 eth0 上了吗？有没有被 ip6tables 丢掉？",
							When: "nd-failed",
						},
						HintTranslation{
							Text: "你 ping 的地址不在任何 eth0 上：检查 `ip -n NS -6 addr`（第 1 步）。",
							When: "addr-missing",
						},
						HintTranslation{
							Text: "有个地址还处于 tentative 状态，或者被 DAD 拒绝了（第 1 步）。",
							When: "dad-failed",
						},
						HintTranslation{
							Text: "有个地址还处于 tentative 状态（第 1 步）：等 DAD 完成，并检查链路是否有载波。",
							When: "addr-tentative",
						},
					},
				},
				StepTranslation{
					Title: "看看邻居发现和链路本地地址",
					Text:  "每个 IPv6 接口都有一个你从没敲过的地址：\n\n    ip -n ns1 -6 addr show dev eth0 scope link\n\n`fe80::.../64`，是链路启用时内核生成的（由 MAC 地址推出，或者是它的一个稳定哈希）。链路本地地址在每条链路上同时存在，所以单凭这样一个地址说不清该往哪儿发：要在 `%` 后面给出接口，作为它的**作用域**（scope）：\n\n    ip netns exec ns0 ping -c 2 fe80::...%eth0\n\n（用 ns1 的地址；不加 `%eth0` 的话 ping 会报 `Invalid argument`。）路由器通告自己、主机做邻居发现，用的都是这些地址。\n\n再看邻居表，也就是 IPv6 版的 ARP 缓存：\n\n    ip -n ns0 -6 neigh\n\n在第 2 步的 ping 之后，ns0 已经知道 `fd00:1::11` 和 `fd00:1::12`，以及 ns1、ns2 的 eth0 的 MAC（`lladdr ...`）：这是通过邻居请求和邻居通告（ICMPv6 类型 135 和 136）学到的。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "找到 ns1 的链路本地地址（`ip -n ns1 -6 addr show dev eth0 scope link`），在 ns0 里 ping 它，地址后面加上 `%eth0`。",
						},
						HintTranslation{
							Text: "有个 eth0 没有链路本地地址：把它 down 再 up 一次（`ip -n NS link set eth0 down; ... up`），然后重新添加它的 fd00:1:: 地址（down 会删掉它）。",
							When: "no-link-local",
						},
						HintTranslation{
							Text: "这个 eth0 上禁用了 IPv6：`ip netns exec NS sysctl -w net.ipv6.conf.eth0.disable_ipv6=0`。",
							When: "ipv6-disabled",
						},
						HintTranslation{
							Text: "ns0 还没有这个地址的邻居表项：ping 它一下（第 2 步）。",
							When: "neigh-missing",
						},
						HintTranslation{
							Text: "ns0 的邻居表项里记的 MAC 不是地址主人的：是条静态表项吗？删掉它：`ip -n ns0 neigh del ADDR dev eth0`，让邻居发现去找正确的那个。",
							When: "neigh-wrong-mac",
						},
						HintTranslation{
							Text: "邻居发现没有得到应答：地址主人发出的邻居通告（ICMPv6）没有回来。是不是哪里丢掉了 ICMPv6（`ip6tables -S`）？",
							When: "nd-failed",
						},
						HintTranslation{
							Text: "没有应答：有什么丢掉了 ICMPv6（`ip netns exec NS ip6tables -S`）。",
							When: "no-reply",
						},
					},
				},
				StepTranslation{
					Title: "让 br0 成为 IPv6 网关",
					Text:  "和第 4 课一样，网桥在命名空间所在的子网里配一个地址，成为它们的出口；IPv6 有自己的路由表，所以 IPv4 的默认路由（如果有的话）对它毫无作用：\n\n    ip addr replace fd00:1::1/64 dev br0\n    ip -n ns0 -6 route add default via fd00:1::1\n    ip -n ns1 -6 route add default via fd00:1::1\n    ip -n ns2 -6 route add default via fd00:1::1\n    ip -n ns0 -6 route\n\n网桥自己的地址也要经过 DAD：ping 它之前先等一秒。（在真实网络里，路由器会用路由通告宣告自己，主机自己就能学到这条路由：`radvd` 或者 Docker 的 IPv6 模式做的就是这个。）\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "先 `ip addr add fd00:1::1/64 dev br0`，再在每个命名空间里执行 `ip -n NS -6 route add default via fd00:1::1`。",
						},
						HintTranslation{
							Text: "有个命名空间没有 IPv6 默认路由：`ip -n NS -6 route add default via fd00:1::1`。IPv4 的默认路由不算数。",
							When: "no-default-route",
						},
						HintTranslation{
							Text: "IPv6 默认路由指向了别处：`ip -n NS -6 route replace default via fd00:1::1`。",
							When: "wrong-gateway",
						},
						HintTranslation{
							Text: "br0 上没有 fd00:1::1/64：`ip addr add fd00:1::1/64 dev br0`（在根命名空间里）。",
							When: "addr-missing",
						},
						HintTranslation{
							Text: "br0 的地址还处于 tentative 状态：等一秒，让 DAD 完成。",
							When: "addr-tentative",
						},
						HintTranslation{
							Text: "网关没有应答：br0 启用了吗？它的地址可用吗（`ip -6 addr show dev br0`）？",
							When: "no-reply",
						},
					},
				},
				StepTranslation{
					Title: "在 ns2 里过滤来自 ns0 的 ICMPv6 回显请求，同时保住邻居发现",
					Text:  "和第 4 课一样，ns2 丢弃来自 ns0 的 ping，这次走的是 IPv6。IPv6 有自己的防火墙表：`iptables` 只过滤 IPv4，IPv6 要用 `ip6tables`（或者 `nft` 的 `ip6`、`inet` 表）：\n\n    ip netns exec ns2 ip6tables -C INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP 2>/dev/null || ip netns exec ns2 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP\n\n用 nft 写是这样：\n\n    ip netns exec ns2 nft add table inet fw\n    ip netns exec ns2 nft add chain inet fw in '{ type filter hook input priority 0; }'\n    ip netns exec ns2 nft add rule inet fw in ip6 saddr fd00:1::10 icmpv6 type echo-request drop\n\n陷阱在于：在 IPv4 里，丢掉“所有 ICMP”只会让 ping 不通。而在 IPv6 里，邻居发现就是靠 ICMPv6 承载的：`ip6tables -A INPUT -p ipv6-icmp -j DROP` 会让 ns2 听不见邻居请求，很快谁都访问不到它了。只丢回显请求，别的都别动。\n\nnetlab 会检查：ns0 的 ping 没有应答，ns1 仍然能 ping 通 ns2，ns2 仍然能 ping 通 ns0（进出 ns2 的邻居发现都正常）。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip netns exec ns2 ip6tables -A INPUT -s fd00:1::10 -p ipv6-icmp --icmpv6-type echo-request -j DROP`。",
						},
						HintTranslation{
							Text: "你的规则丢掉了全部 ICMPv6，连邻居发现也一起丢了。删掉它，只丢弃来自 fd00:1::10 的 `--icmpv6-type echo-request`。",
							When: "icmpv6-all-dropped",
						},
						HintTranslation{
							Text: "ns0 的 ping 仍然有应答：规则必须是 IPv6 的（`ip6tables`，或者 nft 的 `ip6`/`inet`），放在 ns2 的 INPUT 上，匹配源地址 fd00:1::10。",
							When: "not-dropped",
						},
						HintTranslation{
							Text: "有一条规则丢掉的不只是 ns0 的回显请求（原因里写明了是哪一条）：`ip netns exec ns2 ip6tables -S`。",
							When: "dropped-by-rule",
						},
						HintTranslation{
							Text: "邻居发现失败了：ICMPv6 类型 135/136 必须放行。",
							When: "nd-failed",
						},
					},
				},
			},
			File: "zh/07-ipv6.yaml",
		},
		"netns": &Translation{
			ID:    1,
			Slug:  "netns",
			Title: "网络命名空间与回环接口",
			Intro: "**网络命名空间**（network namespace）是 Linux 网络协议栈一份完整、独立的副本：有自己的网卡、地址、路由表、ARP 表和防火墙规则。你跑过的每一个容器（Docker 容器、Kubernetes 的 Pod）都活在这样一个命名空间里。这一课你会亲手创建一个命名空间，进去看一看，再让它的回环接口工作起来。\n\n要用的命令是 `ip netns`，它属于 iproute2 软件包。有名字的命名空间以文件的形式保存在 `/run/netns` 下（很多系统上 `/var/run/netns` 就是同一个目录）。\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "创建命名空间 ns0",
					Text:  "创建一个名为 `ns0` 的网络命名空间：\n\n    ip netns add ns0\n    ip netns list\n\n`ip netns add` 新建一个网络命名空间，并把它 *bind mount* 到 `/run/netns/ns0` 上，这样即使里面一个进程都没有，它也会一直存在。现在 `ip netns list` 应该能列出 `ns0`。\n\n前人踩过的两个坑：\n\n* `ip netns add ns0 ns1` **不会**创建两个命名空间。它只认一个名字，后面的参数被悄悄忽略：最后只出现 `ns0`。\n* 再执行一次 `ip netns add ns0` 会报错：`Cannot create namespace file \"/run/netns/ns0\": File exists`。\n\nnetlab 检查的是 `/run/netns/ns0` 确实挂载着一个命名空间，而不只是一个碰巧叫这个名字的普通文件。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "命令是 `ip netns add NAME`，一次只能建一个。",
						},
						HintTranslation{
							Text: "/run/netns/ns0 是个残留文件，不是命名空间。先删掉它（`rm /run/netns/ns0`），再执行一次 `ip netns add ns0`。",
							When: "ns-stale",
						},
						HintTranslation{
							Text: "ns0 还不存在。`ip netns add ns0` 可以创建它；`ip netns add` 只认一个名字，所以 `ip netns add ns1 ns0` 只会创建 ns1。",
							When: "ns-missing",
						},
					},
				},
				StepTranslation{
					Title: "在 ns0 里启用回环接口",
					Text:  "进新命名空间里看看：\n\n    ip netns exec ns0 ip addr\n\n`ip netns exec ns0 CMD` 可以在 `ns0` 里执行任意命令。你只会看到一个接口 `lo`，而且它是 **DOWN** 的，没有地址：新建的命名空间什么都没有启用，连回环接口都没有。（`ip -n ns0 addr` 是同一件事的简写，直接让 `ip` 自己到命名空间里去做。）\n\n把它启用：\n\n    ip netns exec ns0 ip link set lo up\n    ip netns exec ns0 ip addr\n\n现在 `lo` 是 `UP` 了（状态显示为 `UNKNOWN`，对回环接口来说这是正常的），内核还自动给它配上了 `127.0.0.1/8`。\n\n小技巧：`ip netns exec ns0 bash` 会在 `ns0` 里打开一个 shell，之后直接敲 `ip addr` 就行；`exit` 退回原来的地方。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "在 ns0 里执行 `ip link set lo up`：`ip netns exec ns0 ip link set lo up`（或者 `ip -n ns0 link set lo up`）。",
						},
						HintTranslation{
							Text: "ns0 里的 lo 还是关着的。新命名空间里的 lo 一开始总是 down，不会有谁替你启用它。",
							When: "lo-down",
						},
					},
				},
				StepTranslation{
					Title: "在 ns0 里 ping 127.0.0.1",
					Text:  "现在证明 `ns0` 里的协议栈能用了：\n\n    ip netns exec ns0 ping -c 3 127.0.0.1\n\n在 `lo` 启用之前，这条命令会立刻失败，报 `ping: connect: Network is unreachable`：内核连一条路由都没有，连到自己的都没有。`lo` 启用之后，本地路由就有了，回显请求也能收到应答。\n\nnetlab 会自己从 `ns0` 里发出 ICMP 回显请求来检查这一步。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "如果 ping 报 `Network is unreachable`，说明 ns0 里的 lo 还没启用：回到第 2 步。",
						},
						HintTranslation{
							Text: "`ping: connect: Network is unreachable` 说明 ns0 里的 lo 是 down 的：没有它，ns0 一条路由都没有，连 127.0.0.1 都到不了。执行 `ip -n ns0 link set lo up`。",
							When: "lo-down",
						},
					},
				},
			},
			File: "zh/01-netns.yaml",
		},
		"router": &Translation{
			ID:    5,
			Slug:  "router",
			Title: "用路由器连接两个局域网（OpenWrt 路由器做的事）",
			Intro: "网桥连接的是**同一个**网络里的主机：它后面的所有主机共用 10.0.1.0/24，帧对帧直接通信。两个不同的网络之间需要一台**路由器**：它在每个网络里各有一条“腿”，从一条腿收进数据包，再从另一条腿发出去。家里跑 OpenWrt 的那台路由器，在你的局域网和运营商的网络之间做的正是这件事；打开了 `ip_forward` 的每一台 Linux 主机（包括 Docker 宿主机）也是如此。\n\n路由器并不是什么特殊设备：任何一个有两个接口、在两个网络里各有一个地址、并且打开了**转发**的命名空间，就是一台路由器。这里用三个命名空间扮演两台主机和它们之间的路由器；实验环境的根命名空间完全不参与：\n\n     h1: eth0 10.0.10.2/24          h2: eth0 10.0.20.2/24\n            |                              |\n      eth1 10.0.10.1/24 -- router -- eth2 10.0.20.1/24\n         (LAN 10.0.10.0/24)       (LAN 10.0.20.0/24)\n\n一路上你会遇到每个被路由的数据包都需要的三样东西：**去程**的路由、会**转发**的路由器，以及**回程**的路由。\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "创建 h1、router 和 h2，并在每个里面启用 lo",
					Text:  "三个命名空间，三台机器：\n\n    test -e /run/netns/h1 || ip netns add h1\n    test -e /run/netns/router || ip netns add router\n    test -e /run/netns/h2 || ip netns add h2\n    ip -n h1 link set lo up\n    ip -n router link set lo up\n    ip -n h2 link set lo up\n\n这一课不涉及根命名空间：这里的东西都不在根命名空间里创建，它自己的转发设置也无关紧要。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "h1、router、h2 各执行一次 `ip netns add NAME`，然后在每个里面执行 `ip -n NAME link set lo up`。",
						},
						HintTranslation{
							Text: "少了一个命名空间：`ip netns add` 一次只建一个。",
							When: "ns-missing",
						},
						HintTranslation{
							Text: "{ns} 里的 lo 是 down 的：`ip -n {ns} link set lo up`。",
							When: "lo-down",
						},
					},
				},
				StepTranslation{
					Title: "给每台主机和路由器之间接上网线",
					Text:  "两根网线，两个 veth 对。路由器在每个网络上各有一个接口：`eth1` 朝向 h1，`eth2` 朝向 h2；每台主机都有自己的 `eth0`。直接在两个命名空间之间创建每一对：\n\n    ip -n h1 link show eth0 >/dev/null 2>&1 || ip -n h1 link add eth0 type veth peer name eth1 netns router\n    ip -n h2 link show eth0 >/dev/null 2>&1 || ip -n h2 link add eth0 type veth peer name eth2 netns router\n    ip -n h1 link set eth0 up\n    ip -n h2 link set eth0 up\n    ip -n router link set eth1 up\n    ip -n router link set eth2 up\n\n`ip -n h1 link add ... peer name eth1 netns router` 在 h1 里执行，并把另一端直接放进 router：没有哪一端会出现在根命名空间里。（在根命名空间里创建 veth 对，再用 `ip link set NAME netns NS` 把两端移过去，也一样可以。）\n\n`ip -n router -br link` 会列出 `eth1@if..` 和 `eth2@if..`，都是 UP。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n h1 link add eth0 type veth peer name eth1 netns router`，h2 同样处理（对端叫 eth2），然后对全部四端执行 `link set ... up`。",
						},
						HintTranslation{
							Text: "有一端是 down 的：veth 只有两端都启用才有载波。`ip -n NS link set NAME up`。",
							When: "peer-down",
						},
						HintTranslation{
							Text: "有一端是 down 的：`ip -n NS link set NAME up`。",
							When: "link-down",
						},
						HintTranslation{
							Text: "这一端不在它该在的地方：用 `ip -n NS link set NAME netns OTHER` 把它移过去。",
							When: "veth-not-moved",
						},
						HintTranslation{
							Text: "这两端不是彼此的对端：删掉这一对（`ip -n NS link del NAME`），重新创建。",
							When: "wrong-peer",
						},
					},
				},
				StepTranslation{
					Title: "给两个网络配上地址",
					Text:  "每根网线就是一个独立的网络。路由器在两个网络上都有地址，习惯上用 `.1`（OpenWrt 路由器在局域网上就是 192.168.1.1）：\n\n    ip -n h1 addr add 10.0.10.2/24 dev eth0\n    ip -n router addr add 10.0.10.1/24 dev eth1\n    ip -n router addr add 10.0.20.1/24 dev eth2\n    ip -n h2 addr add 10.0.20.2/24 dev eth0\n    ip netns exec h1 ping -c 2 10.0.10.1\n    ip netns exec h2 ping -c 2 10.0.20.1\n\n看一下 `ip -n router route`：路由器已经有了去往两个网络的路由，每个接口一条（`proto kernel scope link`），是内核根据每个地址自动生成的。而 h1 只认识 10.0.10.0/24：`ip netns exec h1 ping 10.0.20.2` 会报 `Network is unreachable`。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "地址分配：h1 eth0 10.0.10.2/24，router eth1 10.0.10.1/24，router eth2 10.0.20.1/24，h2 eth0 10.0.20.2/24。命令是 `ip -n NS addr add ADDR dev DEV`。",
						},
						HintTranslation{
							Text: "前缀长度不对：删掉这个地址，再用 /24 重新添加。",
							When: "wrong-prefix",
						},
						HintTranslation{
							Text: "地址配错了接口：用 `ip -n NS -br addr` 检查。",
							When: "addr-wrong-link",
						},
						HintTranslation{
							Text: "有个地址配错了命名空间：h1 用 10.0.10.2，h2 用 10.0.20.2，路由器在两边都用 .1。",
							When: "addr-wrong-end",
						},
						HintTranslation{
							Text: "你 ping 的地址还没配在任何接口上：`ip -n router -br addr`。",
							When: "addr-missing",
						},
						HintTranslation{
							Text: "没有应答：这根网线的两端都启用了吗（`ip -n NS -br link`）？",
							When: "no-reply",
						},
					},
				},
				StepTranslation{
					Title: "给每台主机加一条经路由器的默认路由",
					Text:  "主机把不在自己网络里的流量都交给它的**默认网关**。对 h1 来说，默认网关就是路由器在 h1 所在网络上的那条腿：\n\n    ip -n h1 route add default via 10.0.10.1\n    ip -n h2 route add default via 10.0.20.1\n    ip -n h1 route\n\n网关必须是主机自己网络里的地址：主机用 ARP 查到它的 MAC，把数据包交给它，IP 头里的最终目的地址保持不变。`ip route get` 能显示路由决策：`ip -n h1 route get 10.0.20.2` 的输出是 `10.0.20.2 via 10.0.10.1 dev eth0`。\n\n陷阱在于：h2 和 h1 一样需要自己的默认路由。没有它，h1 的 ping 能到达 h2，h2 却没办法把应答送回来。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n h1 route add default via 10.0.10.1`、`ip -n h2 route add default via 10.0.20.1`。",
						},
						HintTranslation{
							Text: "有台主机没有默认路由：`ip -n NS route add default via GATEWAY`（h1：10.0.10.1，h2：10.0.20.1）。",
							When: "no-default-route",
						},
						HintTranslation{
							Text: "默认路由指向了错误的网关。主机的网关是路由器在这台主机所在网络上的地址：`ip -n NS route replace default via GATEWAY`。",
							When: "wrong-gateway",
						},
					},
				},
				StepTranslation{
					Title: "在路由器上打开转发",
					Text:  "现在 h1 发往 10.0.20.2 的包到达了路由器，路由器发现它的目的地址不是自己。除非打开了**转发**，否则 Linux 会丢弃这样的包，而每个新命名空间里的转发都是关闭的：\n\n    ip netns exec router sysctl -w net.ipv4.ip_forward=1\n    ip netns exec h1 ping -c 2 10.0.20.2\n    ip netns exec h2 ping -c 2 10.0.10.2\n\n`net.ipv4.conf.all.forwarding=1` 是同一个开关的另一个名字。每个命名空间都有自己的一套 `net.*` 设置：不加 `ip netns exec router`、直接执行 `sysctl -w net.ipv4.ip_forward=1`，改的是根命名空间的设置，路由器依然只是一台主机。（OpenWrt 在启动时打开它；Docker 为了容器在宿主机上打开它。）\n\n路由器也有防火墙：如果它 `FORWARD` 链的默认策略是 `DROP`（`ip netns exec router iptables -S FORWARD`），转发打开了也照样什么都过不去。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip netns exec router sysctl -w net.ipv4.ip_forward=1`。",
						},
						HintTranslation{
							Text: "路由器上的转发是关闭的：`ip netns exec router sysctl -w net.ipv4.ip_forward=1`。",
							When: "ip-forward-off",
						},
						HintTranslation{
							Text: "你在实验环境的根命名空间里打开了转发，而不是在路由器上：每个命名空间都有自己的 sysctl。`ip netns exec router sysctl -w net.ipv4.ip_forward=1`。",
							When: "forward-wrong-ns",
						},
						HintTranslation{
							Text: "转发打开了，但在路由器的某个接口上又被关掉了：`ip netns exec router sysctl -w net.ipv4.conf.DEV.forwarding=1`。",
							When: "dev-forwarding-off",
						},
						HintTranslation{
							Text: "路由器 FORWARD 链的默认策略是 DROP：放行它两个网络之间的流量，`ip netns exec router iptables -A FORWARD -i eth1 -o eth2 -j ACCEPT`，再把 eth2 和 eth1 对调加一条（或者 `iptables -P FORWARD ACCEPT`）。",
							When: "forward-drop",
						},
						HintTranslation{
							Text: "应答的那台主机没有回到发起方网络的路由：给它加上默认路由（第 4 步）。",
							When: "no-return-route",
						},
						HintTranslation{
							Text: "有台主机缺少默认路由（第 4 步）：没有它，包根本出不去。",
							When: "no-default-route",
						},
						HintTranslation{
							Text: "有一条防火墙规则丢弃了这些 ping（原因里写明了是哪一条）：`ip netns exec router iptables -S`。",
							When: "dropped-by-rule",
						},
					},
				},
				StepTranslation{
					Title: "数一数跳数",
					Text:  "每台路由器都会把数据包的 **TTL**（生存时间）减一，减到零就丢弃：正是这一点防止数据包在路由环路里无休止地兜圈子，`traceroute` 也正是靠它找出沿途的每一台路由器。Linux 发包时 TTL 为 64：\n\n    ip netns exec h1 ping -c 2 10.0.20.2\n    ip netns exec h1 ping -c 2 10.0.10.1\n\nh2 的应答显示 `ttl=63`：h2 发出时是 64，路由器减掉了一。路由器自己的应答显示 `ttl=64`：它离你零跳。netlab 检查的也是这个，报告里会显示它看到的 TTL。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "从 h1 ping h2（`ip netns exec h1 ping -c 2 10.0.20.2`），看应答里的 ttl=。",
						},
						HintTranslation{
							Text: "一个应答都没回来：先让第 5 步通过。",
							When: "no-reply",
						},
						HintTranslation{
							Text: "应答经过的路由器不是一台：h1 和 h2 之间真的只经过 router 吗（`ip -n h1 route get 10.0.20.2`）？还是有人改了 `net.ipv4.ip_default_ttl`？",
							When: "wrong-hops",
						},
						HintTranslation{
							Text: "路由器上的转发是关闭的（第 5 步）。",
							When: "ip-forward-off",
						},
					},
				},
			},
			File: "zh/05-router.yaml",
		},
		"troubleshoot": &Translation{
			ID:    8,
			Slug:  "troubleshoot",
			Title: "找出哪里坏了（值班时面对一张不是你搭的网络）",
			Intro: "照着方案把网络搭起来，只是工作的一半。另一半从一条消息开始：“3 号节点上的 Pod 连不上数据库”，“升级之后访客 Wi-Fi 上不了网”。网络是别人搭的，其中有什么东西变了，却没有任何东西告诉你是什么。负责 Docker 主机、Kubernetes 节点（CNI 插件搭出来的正是第 2-5 课的 veth、网桥、路由和规则）或者一批 OpenWrt 路由器的值班工程师，每天做的就是这件事。\n\n这一课里，netlab 会搭好前面某一课（2 `veth`、3 `bridge`、4 `iptables` 或 5 `router`）完成后的网络，再把它弄坏**一处**，坏法取自学员和管理员真实犯过的错误。你的任务：不推倒重来，找到故障并修好它。一共三轮，每轮是一张不同的网络，坏法也不同。`netlab setup 8 --seed S` 让使用同一个种子的人遇到同样的故障（适合老师出考题）；不给种子时随机选一个并打印出来。\n\n排查的方法对任何 Linux 网络都适用：自下而上逐层检查，停在第一处不对的地方：\n\n1. **链路**：`ip -br link`。每一端都是 UP 且 LOWER_UP 吗？在正确的命名空间里、接在正确的网桥上吗？\n2. **地址**：`ip -br addr`。是方案里的地址吗？前缀长度对吗？\n3. **路由**：`ip route`、`ip route get ADDRESS`。去的路由有吗？回来的路由有吗？\n4. **邻居**：`ip neigh`。下一跳的地址解析出来了吗（REACHABLE，而不是 FAILED）？\n5. **规则**：`sysctl net.ipv4.ip_forward`、`iptables -S`。转发打开了吗？有没有防火墙把包丢掉？\n\n每条命令都要在这张网络的每个命名空间里执行一遍（`ip -n NS ...` 或 `ip netns exec NS ...`），实验室的根命名空间也不例外。`netlab check 8` 告诉你这一课的哪些检查失败了（症状），但从不告诉你原因：找原因正是这道练习。`netlab hint 8` 先教方法，再一次一条地缩小范围；`netlab solve 8` 修好这一轮，并告诉你故障是什么。\n\n陷阱：治标不治本。多加一条默认路由、清空防火墙、重建命名空间，也许能让 ping 通，却把真正的故障（外加一个新故障）留在原处。只修真正坏掉的东西；当这张网络重新通过它那一课的**全部**检查时，这一轮才算完成。\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "第 1 轮：修好第一张坏掉的网络",
					Text:  "netlab 已经搭好前面某一课完成后的网络，并把其中一处弄坏了（还没运行过就执行 `netlab setup 8`；引导模式会替你做）。`netlab check 8` 列出那一课现在失败的检查：从症状出发，然后按方法在每个命名空间里逐层检查：\n\n    ip netns list\n    ip -n NS -br link\n    ip -n NS -br addr\n    ip -n NS route\n    ip -n NS neigh\n    ip netns exec NS sysctl net.ipv4.ip_forward\n    ip netns exec NS iptables -S\n\n实验室的根命名空间用同样的命令，去掉 `-n NS` 即可（`bridge link` 列出网桥的端口）。当那一课的检查全部重新通过，这一轮就完成了，下一张网络随即被弄坏。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "从症状出发：最先失败的是哪个检查（`netlab check 8`）？然后在每个相关的命名空间里自下而上逐层检查，停在第一处与那一课方案不符的地方：链路（`ip -br link`：UP 且 LOWER_UP）、地址（`ip -br addr`，前缀也要看）、路由（`ip route`，去的和回来的）、邻居（`ip neigh`）、规则（`sysctl net.ipv4.ip_forward`、`iptables -S`）。",
						},
					},
				},
				StepTranslation{
					Title: "第 2 轮：修好第二张坏掉的网络",
					Text:  "换了一张网络，坏法也不同。用同样的方法；忍住“推倒重建”的冲动：值班时，交到你手上的网络就是你必须修好的那张。把看到的和这张网络所属那一课的方案对照（`netlab lesson N` 会显示方案）。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "同样的方法，新的网络：先列出命名空间（`ip netns list`），读一读这张网络所属那一课的方案，再按链路、地址、路由、邻居、规则的顺序，在每个相关的命名空间里检查。第一处与方案不符的地方就是故障。",
						},
					},
				},
				StepTranslation{
					Title: "第 3 轮：修好第三张坏掉的网络",
					Text:  "最后一轮。它通过之后，`netlab check 8` 整体通过。记下你每次是怎么找到故障的：暴露出故障的那些命令，就是你下次真正出故障时的检查清单。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "链路、地址、路由、邻居、规则：上次找到故障之前，你最后查的是哪一层？按顺序在每个命名空间里全部查一遍；单向 ping 得通，并不能证明回来的路也通。",
						},
					},
				},
			},
			File: "zh/08-troubleshoot.yaml",
		},
		"veth": &Translation{
			ID:    2,
			Slug:  "veth",
			Title: "用 veth 对连接 ns0 和 ns1",
			Intro: "单独一个命名空间就是一座孤岛：什么都进不来，也出不去。要把两个命名空间连起来，需要一个 **veth 对**（veth pair）：两块虚拟以太网卡，中间连着一根虚拟网线。从一端发进去的数据，都会从另一端出来，哪怕两端位于不同的命名空间。\n\n容器的网络正是这样来的：veth 对的一端是容器里的 `eth0`，另一端留在宿主机上。这一课你要把 `ns0` 和 `ns1` 两个命名空间背靠背地接起来：\n\n    ns0: veth0 10.0.0.1/24  <======>  ns1: veth1 10.0.0.2/24\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "创建 ns0 和 ns1，并在两边都启用 lo",
					Text:  "先准备两个命名空间。（每节引导课都从一个全新的实验环境开始；只有加了 `--host`、直接在宿主机上做的时候，第 1 课留下的 `ns0` 才可能还在：这时 `ip netns add ns0` 会报 `File exists`，你只需要再建 `ns1`。）\n\n    ip netns add ns0\n    ip netns add ns1\n    ip -n ns0 link set lo up\n    ip -n ns1 link set lo up\n    ip netns list\n\n`ip -n ns0 ...` 是 `ip netns exec ns0 ip ...` 的简写：让 `ip` 自己进到 `ns0` 里去操作。别忘了 `ip netns add` 只认**一个**名字：`ip netns add ns0 ns1` 只会创建 `ns0`。\n\n两个命名空间之间的连接其实用不到回环接口，但 `lo` 没启用的命名空间连自己都访问不了；每建一个命名空间就顺手把它启用，是个好习惯。\n\n`ip netns list` 应该同时列出 `ns0` 和 `ns1`。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "两条命令：`ip netns add ns0` 和 `ip netns add ns1`，然后 `ip -n ns0 link set lo up` 和 `ip -n ns1 link set lo up`。",
						},
						HintTranslation{
							Text: "少了一个命名空间。`ip netns add` 一次只建一个：每个命名空间执行一次。",
							When: "ns-missing",
						},
						HintTranslation{
							Text: "{ns} 里的 lo 还是 down 的：`ip -n {ns} link set lo up`。",
							When: "lo-down",
						},
					},
					Solution: "# 第 1 课可能留下了 ns0；ip netns add 不会重复创建已有的名字。\ntest -e /run/netns/ns0 || ip netns add ns0\ntest -e /run/netns/ns1 || ip netns add ns1\nip -n ns0 link set lo up\nip -n ns1 link set lo up\n",
				},
				StepTranslation{
					Title: "创建 veth 对 veth0 <-> veth1",
					Text:  "veth 总是成对创建的，一条命令搞定：\n\n    ip link add veth0 type veth peer name veth1\n    ip link show type veth\n\n命令在你当前所在的命名空间里执行（这里是实验环境的根命名空间），所以两端暂时都出现在这里。`ip link` 把它们显示为 `veth0@veth1` 和 `veth1@veth0`：`@` 后面的名字就是对端。两端都是 `DOWN`，也都还没有地址。\n\nveth 没法只建“半个”，删掉其中一端（`ip link del veth0`），另一端也会一起消失。\n\n（也可以在创建时直接把两端放到各自的位置：`ip link add veth0 netns ns0 type veth peer name veth1 netns ns1`。netlab 评判的是结果，而不是你敲了哪些键。）\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip link add veth0 type veth peer name veth1` 一次就创建了两端。",
						},
						HintTranslation{
							Text: "已经有一个叫 veth0 的接口，但它的对端不是 veth1。删掉它（`ip link del veth0`），再用 `peer name veth1` 重新创建这一对。",
							When: "wrong-peer",
						},
						HintTranslation{
							Text: "veth0 存在，但它不是 veth。删掉它（`ip link del veth0`），改用 `type veth peer name veth1`。",
							When: "link-wrong-type",
						},
					},
				},
				StepTranslation{
					Title: "把 veth0 移进 ns0，veth1 移进 ns1",
					Text:  "现在把网线的两头分别插进两个命名空间：\n\n    ip link set veth0 netns ns0\n    ip link set veth1 netns ns1\n\n一个接口同一时刻只属于一个命名空间。移走之后，它就从根命名空间里消失了（`ip link` 再也看不到它），出现在目标命名空间里：\n\n    ip -n ns0 link\n    ip -n ns1 link\n\n在 `ns0` 里你会看到 `veth0@if5`（数字可能不同）：对端在另一个命名空间里，`ip` 只能显示它的接口索引。移动接口还会把它关掉、清掉它的地址，所以配地址放在下一步，而不是之前。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "在两端现在所在的根命名空间里执行 `ip link set veth0 netns ns0` 和 `ip link set veth1 netns ns1`。",
						},
						HintTranslation{
							Text: "还有一端留在根命名空间里：用 `ip link set NAME netns NS` 把它移过去。",
							When: "veth-not-moved",
						},
						HintTranslation{
							Text: "有一端进错了命名空间。把它挪过去：`ip -n WRONG link set NAME netns RIGHT`。",
							When: "link-wrong-ns",
						},
						HintTranslation{
							Text: "veth1 进错了命名空间：`ip -n WRONG link set veth1 netns ns1`。",
							When: "peer-wrong-ns",
						},
					},
				},
				StepTranslation{
					Title: "给 veth0 配 10.0.0.1/24，给 veth1 配 10.0.0.2/24",
					Text:  "给两端各配一个同一 /24 网段里的地址：\n\n    ip -n ns0 addr add 10.0.0.1/24 dev veth0\n    ip -n ns1 addr add 10.0.0.2/24 dev veth1\n    ip -n ns0 addr show veth0\n\n`/24` 很关键：它告诉内核 10.0.0.0-10.0.0.255 整个网段都可以经 `veth0` 直接到达，所以链路启用后内核会自动加一条 `10.0.0.0/24 dev veth0` 路由。如果配的是 `10.0.0.1/32`，就不会有这条路由，`ns0` 也就不知道怎么去 10.0.0.2。\n\n每个地址配在自己那一端：10.0.0.1 在 `ns0` 里，10.0.0.2 在 `ns1` 里。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n ns0 addr add 10.0.0.1/24 dev veth0` 和 `ip -n ns1 addr add 10.0.0.2/24 dev veth1`。",
						},
						HintTranslation{
							Text: "地址的前缀长度不对。先删掉（`ip -n NS addr del ADDR/LEN dev DEV`），再用 /24 重新添加。",
							When: "wrong-prefix",
						},
						HintTranslation{
							Text: "地址配到了这对 veth 的另一端。10.0.0.1 应该在 ns0 的 veth0 上，10.0.0.2 在 ns1 的 veth1 上。",
							When: "addr-wrong-end",
						},
						HintTranslation{
							Text: "地址配到了命名空间里别的接口上：它必须在 veth 这一端上。",
							When: "addr-wrong-link",
						},
					},
				},
				StepTranslation{
					Title: "启用两端",
					Text:  "接口创建出来时在管理上是关闭的。把两端都启用：\n\n    ip -n ns0 link set veth0 up\n    ip -n ns1 link set veth1 up\n    ip -n ns0 link show veth0\n\n只执行完第一条命令时看一下状态：`veth0` 显示 `state LOWERLAYERDOWN`（标志是 `NO-CARRIER,UP`）。veth 就像一根网线：只有**两端**都启用了才有载波。第二条命令执行后，两端都显示 `state UP`，并带有 `LOWER_UP`。\n\nnetlab 检查的是运行状态（operational state），不只是管理状态的标志。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n ns0 link set veth0 up` 和 `ip -n ns1 link set veth1 up`：两端都要启用，各自在自己的命名空间里。",
						},
						HintTranslation{
							Text: "这一端启用了，但对端还是 down：veth 只有两端都启用才有载波。",
							When: "peer-down",
						},
						HintTranslation{
							Text: "{ns} 里的 {link} 是 down 的：`ip -n {ns} link set {link} up`。",
							When: "link-down",
						},
					},
				},
				StepTranslation{
					Title: "隔着 veth 对互相 ping",
					Text:  "网线通了。从两边互相 ping 一下：\n\n    ip netns exec ns0 ping -c 3 10.0.0.2\n    ip netns exec ns1 ping -c 3 10.0.0.1\n\n第一个回显请求发出前，`ns0` 会先经 veth 问一句“谁是 10.0.0.2？”（ARP）；`ns1` 用 `veth1` 的 MAC 地址作答，之后回显请求和应答就顺畅地来回了。`ip -n ns0 neigh` 可以看到学到的邻居表项。\n\n别被 `ip netns exec ns0 ping 10.0.0.1` 骗了：那是 `ns0` 自己的地址，就算根本没接网线也照样有应答。netlab 会从每个命名空间向*另一端*发出自己的回显请求。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "如果 ping 报 `Network is unreachable`，说明地址或者它的 /24 没配上；如果只是没有应答，检查两端是否都已启用（第 5 步）。",
						},
						HintTranslation{
							Text: "这个 ping 哪儿也没去：那是命名空间自己的地址，什么也证明不了。去 ping 另一端。",
							When: "ping-self",
						},
						HintTranslation{
							Text: "没有应答：检查 `ip -n ns0 addr`、`ip -n ns1 addr`，以及两端是否都显示 state UP。",
							When: "no-reply",
						},
						HintTranslation{
							Text: "ns0 里除了 lo 什么都没有：veth 对还在你创建它的根命名空间里。把两端移过去：`ip link set veth0 netns ns0`、`ip link set veth1 netns ns1`。",
							When: "veth-not-moved",
						},
						HintTranslation{
							Text: "`Network is unreachable`：不带 /24 的地址就是 /32，一个只有一个地址的网段，所以没有去往另一端的路由。删掉它，再用 /24 重新添加。",
							When: "wrong-prefix",
						},
						HintTranslation{
							Text: "两端配了同一个地址，命名空间在回应自己的 ping。给 veth1 配上 10.0.0.2/24（并删掉重复的地址）。",
							When: "dup-addr",
						},
						HintTranslation{
							Text: "这对 veth 的另一端是 down 的：`ip -n ns1 link set veth1 up`（两端都启用之前，veth 什么也传不过去）。",
							When: "peer-down",
						},
						HintTranslation{
							Text: "你 ping 的地址不在另一端的任何接口上：`ip -n ns1 addr add 10.0.0.2/24 dev veth1`（以及 ns0 里 veth0 上的 10.0.0.1/24）。",
							When: "addr-missing",
						},
						HintTranslation{
							Text: "有一条防火墙规则丢弃了这些 ping（原因里写明了是哪一条，还给出了删除它的命令）：`ip netns exec NS iptables -S` 可以列出一个命名空间的规则。",
							When: "dropped-by-rule",
						},
					},
				},
			},
			File: "zh/02-veth.yaml",
		},
		"vxlan": &Translation{
			ID:    6,
			Slug:  "vxlan",
			Title: "两台主机之间的 overlay 网络（flannel 做的事）",
			Intro: "网桥连接的是**一台**主机上的容器。Kubernetes 要的更多：所有节点上的所有 Pod 都在同一个扁平网络 10.244.0.0/16 里，不管节点之间的物理网络长什么样。答案是 **overlay**（覆盖网络）：每个节点把自己 Pod 的以太网帧封装进 UDP 包，经普通网络（即 **underlay**，承载网络）送到目的 Pod 所在的节点，由那个节点解封装。VXLAN 是标准的封装方式，Linux 内核自带：vxlan 设备是一个网桥端口，它的另一侧是一条 UDP 隧道。这就是 flannel 的 vxlan 后端（它的设备叫 `flannel.1`），Docker 的 overlay 网络和大多数云上网络也是这么做的。\n\n四个命名空间分别扮演两台机器和各自上面的一个容器：\n\n      c1: eth0 10.244.0.11/24              c2: eth0 10.244.0.12/24\n            |                                    |\n       veth-c1                              veth-c2\n            |                                    |\n      host1: br0 --- vxlan42         host2: br0 --- vxlan42\n                        :  UDP 4789, VNI 42    :\n      host1: eth0 192.168.100.1 ======== eth0 192.168.100.2 :host2\n                       (the underlay: a veth pair)\n\n两个容器以为自己接在同一台交换机上；而两台主机之间看到的始终只是 192.168.100.1 和 192.168.100.2 之间的 UDP。\n",
			Steps: []StepTranslation{
				StepTranslation{
					Title: "两台主机和它们之间的承载网络",
					Text:  "四个命名空间，再加一根连接两台主机的网线：\n\n    test -e /run/netns/host1 || ip netns add host1\n    test -e /run/netns/host2 || ip netns add host2\n    test -e /run/netns/c1 || ip netns add c1\n    test -e /run/netns/c2 || ip netns add c2\n    ip -n host1 link set lo up      # host2、c1、c2 里同样执行\n    ip -n host1 link show eth0 >/dev/null 2>&1 || ip -n host1 link add eth0 type veth peer name eth0 netns host2\n    ip -n host1 addr add 192.168.100.1/24 dev eth0\n    ip -n host2 addr add 192.168.100.2/24 dev eth0\n    ip -n host1 link set eth0 up\n    ip -n host2 link set eth0 up\n    ip netns exec host1 ping -c 2 192.168.100.2\n\n这就是两个节点之间的物理网络。容器的 10.244.0.0/24 永远不会在它上面被路由。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "创建四个命名空间，每个里面启用 lo，再建一个 veth 对 `eth0`（host1）<-> `eth0`（host2），地址分别是 192.168.100.1/24 和 192.168.100.2/24。",
						},
						HintTranslation{
							Text: "少了一个命名空间：`ip netns add` 一次只建一个。",
							When: "ns-missing",
						},
						HintTranslation{
							Text: "{ns} 里的 lo 是 down 的：`ip -n {ns} link set lo up`。",
							When: "lo-down",
						},
						HintTranslation{
							Text: "承载网线有一端是 down 的：`ip -n HOST link set eth0 up`。",
							When: "peer-down",
						},
						HintTranslation{
							Text: "承载网线有一端是 down 的：`ip -n HOST link set eth0 up`。",
							When: "link-down",
						},
						HintTranslation{
							Text: "缺少一个承载网络的地址：host1 用 192.168.100.1/24，host2 用 192.168.100.2/24。",
							When: "addr-missing",
						},
					},
				},
				StepTranslation{
					Title: "每台主机一个网桥，每个网桥上一个容器",
					Text:  "每台主机都有自己的 `br0`，就像 Kubernetes 节点上的 `cni0`，容器接到它上面的方法和第 3 课完全一样：\n\n    ip -n host1 link add br0 type bridge\n    ip -n host1 link set br0 up\n    ip -n c1 link add eth0 type veth peer name veth-c1 netns host1\n    ip -n host1 link set veth-c1 master br0\n    ip -n host1 link set veth-c1 up\n    ip -n c1 addr add 10.244.0.11/24 dev eth0\n    ip -n c1 link set eth0 up\n\nhost2 和 c2 也照此处理（`veth-c2`，10.244.0.12/24）。两个容器在同一个子网里，却接在两台不同的交换机上：c1 查询 10.244.0.12 的 ARP 请求到了 host1 的网桥就到头了。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "在每台主机上：`ip -n HOST link add br0 type bridge` 并启用；建一个 veth，从容器的 eth0 连到这个 br0 的一个端口；再给容器配地址。",
						},
						HintTranslation{
							Text: "容器的 veth 不是它所在主机 br0 的端口：`ip -n HOST link set veth-cN master br0`。",
							When: "port-not-attached",
						},
						HintTranslation{
							Text: "容器的 veth 另一端进错了命名空间：它应该在容器所在的主机里。",
							When: "port-wrong-ns",
						},
						HintTranslation{
							Text: "有一端是 down 的：`ip -n NS link set NAME up`。",
							When: "peer-down",
						},
						HintTranslation{
							Text: "有一端是 down 的：`ip -n NS link set NAME up`。",
							When: "link-down",
						},
						HintTranslation{
							Text: "缺少容器的地址：c1 用 10.244.0.11/24，c2 用 10.244.0.12/24。",
							When: "addr-missing",
						},
					},
				},
				StepTranslation{
					Title: "在两个网桥之间建一条 VXLAN 隧道",
					Text:  "在每台主机上创建一个 vxlan 设备：**VNI**（VXLAN 网络标识，也就是这个 overlay 的编号：42）和 UDP 端口两边相同，绑定到承载网络上，并作为网桥的一个端口：\n\n    ip -n host1 link show vxlan42 >/dev/null 2>&1 || ip -n host1 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1 remote 192.168.100.2\n    ip -n host2 link show vxlan42 >/dev/null 2>&1 || ip -n host2 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.2 remote 192.168.100.1\n    ip -n host1 link set vxlan42 master br0\n    ip -n host2 link set vxlan42 master br0\n    ip -n host1 link set vxlan42 up\n    ip -n host2 link set vxlan42 up\n    ip -n host1 -d link show vxlan42\n\n两台主机时用 `remote` 正合适。节点多了，flannel 就不写 `remote`，而是为每个节点写一条转发表项；MAC 全零的表项表示“每个帧，包括广播，也都发一份到那里”：\n\n    bridge -n host2 fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.1\n\n这两种做法在这里都能通过。陷阱是：不写 `dstport` 时，Linux 选的是 8472 端口（flannel 用的那个），而别的实现用 IANA 分配的 4789，两端端口不一致，就永远听不到对方。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n host1 link add vxlan42 type vxlan id 42 dstport 4789 dev eth0 local 192.168.100.1 remote 192.168.100.2`，host2 上对称地再建一个，然后两边都执行 `master br0` 和 `up`。",
						},
						HintTranslation{
							Text: "两端的 VNI 不一致：删掉错的那个（`ip -n HOST link del vxlan42`），再用 `id 42` 重新创建。",
							When: "vni-mismatch",
						},
						HintTranslation{
							Text: "两端的 UDP 端口不一致：用 `dstport 4789` 重新创建这个设备。",
							When: "vxlan-port-mismatch",
						},
						HintTranslation{
							Text: "vxlan 发往了错误的地址：`remote`（或者 fdb 表项里的 `dst`）必须是另一台主机在承载网络上的地址。",
							When: "vxlan-remote-wrong",
						},
						HintTranslation{
							Text: "vxlan 设备不知道隧道的另一端在哪：给它配上 `remote IP`，或者执行 `bridge -n HOST fdb append 00:00:00:00:00:00 dev vxlan42 dst IP`。",
							When: "vxlan-no-remote",
						},
						HintTranslation{
							Text: "vxlan 设备不是 br0 的端口：`ip -n HOST link set vxlan42 master br0`。",
							When: "vxlan-not-port",
						},
						HintTranslation{
							Text: "vxlan 设备没有绑定到承载网络上：用 `dev eth0` 重新创建它。",
							When: "vxlan-wrong-dev",
						},
						HintTranslation{
							Text: "vxlan 设备的 `local` 必须是它所在主机自己在承载网络上的地址。",
							When: "vxlan-wrong-local",
						},
						HintTranslation{
							Text: "vxlan42 是 down 的：`ip -n HOST link set vxlan42 up`。",
							When: "link-down",
						},
					},
				},
				StepTranslation{
					Title: "容器隔着 overlay 网络通信",
					Text:  "现在 c1 的 ARP 广播也会经 vxlan42 离开 host1 的网桥，封装进发往 192.168.100.2 的 UDP，从 host2 的 vxlan42 出来进入 host2 的网桥，最终到达 c2：\n\n    ip netns exec c1 ping -c 2 10.244.0.12\n    ip netns exec c2 ping -c 2 10.244.0.11\n    ip -n host1 -s link show vxlan42\n\n每 ping 一次，vxlan42 的计数（`RX`/`TX packets`）就会增长：包确实走了隧道。netlab 检查的正是这一点。想亲眼看看封装，可以在承载网络上抓包：`ip netns exec host2 tcpdump -ni eth0 udp port 4789` 会显示两台主机之间的 UDP，里面装着 c1 和 c2 的 ICMP。\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "如果 c1 访问不到 c2，在两台主机上检查第 3 步（`ip -n HOST -d link show vxlan42`、`bridge -n HOST link`）。",
						},
						HintTranslation{
							Text: "ping 有应答，但 vxlan42 的计数没动：包走了别的路。把那条捷径拆掉。",
							When: "not-through-tunnel",
						},
						HintTranslation{
							Text: "没有应答：对比两边的 vxlan42 设备（`ip -n HOST -d link show vxlan42`）：VNI、dstport、remote。",
							When: "no-reply",
						},
						HintTranslation{
							Text: "两端 vxlan 的 VNI 不一致（第 3 步）。",
							When: "vni-mismatch",
						},
						HintTranslation{
							Text: "两端 vxlan 的 UDP 端口不一致（第 3 步）。",
							When: "vxlan-port-mismatch",
						},
						HintTranslation{
							Text: "有个 vxlan 发往了错误的承载网络地址（第 3 步）。",
							When: "vxlan-remote-wrong",
						},
						HintTranslation{
							Text: "有个 vxlan 设备不是所在主机网桥的端口（第 3 步）。",
							When: "vxlan-not-port",
						},
						HintTranslation{
							Text: "有个 vxlan 设备不知道隧道的另一端在哪（第 3 步）。",
							When: "vxlan-no-remote",
						},
						HintTranslation{
							Text: "有一台主机上根本没有 vxlan 设备：另一台发来的包一到就被丢掉了。在那台主机上也把它建起来（第 3 步）。",
							When: "vxlan-missing",
						},
						HintTranslation{
							Text: "你 ping 的地址不在任何容器上：检查 `ip -n cN addr`（第 2 步）。",
							When: "addr-missing",
						},
					},
				},
				StepTranslation{
					Title: "让容器的 MTU 适应 overlay 网络",
					Text:  "发一个设置了“不分片”的满长度包试试：\n\n    ip netns exec c1 ping -c 2 -M do -s 1472 10.244.0.12\n\n没有应答，也没有报错。1472 字节的载荷加上 28 字节的头部，正好填满 c1 的 1500 字节 MTU；但 VXLAN 在 1500 的承载网络上还要加上自己的 50 字节（外层以太网头、IP 头、UDP 头、VXLAN 头），所以 vxlan42 最多只能承载 1450（`ip -n host1 link show vxlan42` 显示 `mtu 1450`）。帧比它要出去的那个端口的 MTU 还大时，网桥会悄无声息地把它丢掉：在二层，没有谁会回一个“需要分片”。小包能通，大的传输却卡住不动：这是 overlay 网络的经典陷阱。flannel 正是为此给每个 Pod 都设置 1450 的 MTU。\n\n    ip -n c1 link set eth0 mtu 1450\n    ip -n c2 link set eth0 mtu 1450\n    ip netns exec c1 ping -c 2 -M do -s 1422 10.244.0.12\n",
					Hints: []HintTranslation{
						HintTranslation{
							Text: "`ip -n c1 link set eth0 mtu 1450`，c2 里同样执行。",
						},
						HintTranslation{
							Text: "容器 eth0 的 MTU 比隧道能承载的大：`ip -n cN link set eth0 mtu 1450`。",
							When: "mtu-too-big",
						},
						HintTranslation{
							Text: "满长度的 ping 没有应答：对比沿途各接口的 MTU（`ip -n NS link`）。",
							When: "no-reply",
						},
					},
				},
			},
			File: "zh/06-vxlan.yaml",
		},
	}
}
