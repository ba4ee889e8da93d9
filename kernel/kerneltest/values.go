package kerneltest

import "net"

// CIDR parses "10.0.0.1/24" into an IPNet that keeps the host address (as
// the kernel reports an address), panicking on a typo in a test table.
func CIDR(s string) *net.IPNet {
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	n.IP = ip
	return n
}

// MAC parses a MAC address, panicking on a typo in a test table.
func MAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}
