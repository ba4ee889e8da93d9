package kernel

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// reply builds the echo reply a host would send to req (same ID, seq and
// data), with its type changed to typ.
func reply(t *testing.T, req []byte, proto int, typ icmp.Type) []byte {
	t.Helper()
	m, err := icmp.ParseMessage(proto, req)
	require.NoError(t, err)
	m.Type = typ
	b, err := m.Marshal(nil)
	require.NoError(t, err)
	return b
}

// edit parses b, lets f change its echo body and marshals it again.
func edit(t *testing.T, b []byte, proto int, f func(*icmp.Echo)) []byte {
	t.Helper()
	m, err := icmp.ParseMessage(proto, b)
	require.NoError(t, err)
	f(m.Body.(*icmp.Echo))
	out, err := m.Marshal(nil)
	require.NoError(t, err)
	return out
}

func TestEchoMatcher(t *testing.T) {
	for _, fam := range []struct {
		name         string
		v6           bool
		proto        int
		reply, other icmp.Type
	}{
		{"ipv4", false, protoICMP, ipv4.ICMPTypeEchoReply, ipv4.ICMPTypeDestinationUnreachable},
		{"ipv6", true, protoICMPv6, ipv6.ICMPTypeEchoReply, ipv6.ICMPTypeDestinationUnreachable},
	} {
		t.Run(fam.name, func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				packet func(t *testing.T, m *echoMatcher, req []byte) []byte
				want   bool
			}{
				{"our reply", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return reply(t, req, fam.proto, fam.reply)
				}, true},
				{"our own request", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return req
				}, false},
				{"not an echo reply", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return reply(t, req, fam.proto, fam.other)
				}, false},
				{"wrong ID", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return edit(t, reply(t, req, fam.proto, fam.reply), fam.proto, func(e *icmp.Echo) { e.ID ^= 1 })
				}, false},
				{"wrong nonce", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return edit(t, reply(t, req, fam.proto, fam.reply), fam.proto, func(e *icmp.Echo) { e.Data[pingTimeLen+3] ^= 0xff })
				}, false},
				{"payload too short for a nonce", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return edit(t, reply(t, req, fam.proto, fam.reply), fam.proto, func(e *icmp.Echo) { e.Data = e.Data[:pingMinSize-1] })
				}, false},
				{"a sequence number never sent", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return edit(t, reply(t, req, fam.proto, fam.reply), fam.proto, func(e *icmp.Echo) { e.Seq = 7 })
				}, false},
				{"garbage", func(t *testing.T, m *echoMatcher, req []byte) []byte {
					return []byte{0}
				}, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					m, err := newEchoMatcher(fam.v6)
					require.NoError(t, err)
					sentAt := time.Now()
					req, err := m.request(0, 40, sentAt)
					require.NoError(t, err)
					m.sent(0, sentAt)
					at, ok := m.match(tc.packet(t, m, req))
					require.Equal(t, tc.want, ok)
					if tc.want {
						require.Equal(t, sentAt, at)
					}
				})
			}
		})
	}
}

func TestEchoMatcherDuplicateAndOtherPinger(t *testing.T) {
	m, err := newEchoMatcher(false)
	require.NoError(t, err)
	other, err := newEchoMatcher(false)
	require.NoError(t, err)
	other.id = m.id // an ID collision: only the nonce tells them apart
	now := time.Now()
	for seq := range 2 {
		m.sent(seq, now)
		other.sent(seq, now)
	}
	req, err := m.request(1, pingMinSize, now)
	require.NoError(t, err)
	otherReq, err := other.request(1, pingMinSize, now)
	require.NoError(t, err)

	_, ok := m.match(reply(t, otherReq, protoICMP, ipv4.ICMPTypeEchoReply))
	require.False(t, ok, "the other pinger's reply")
	r := reply(t, req, protoICMP, ipv4.ICMPTypeEchoReply)
	_, ok = m.match(r)
	require.True(t, ok)
	_, ok = m.match(r)
	require.False(t, ok, "a duplicate")
}

func TestEchoRequestLayout(t *testing.T) {
	m, err := newEchoMatcher(false)
	require.NoError(t, err)
	now := time.Unix(1700000000, 123)
	req, err := m.request(5, 40, now)
	require.NoError(t, err)
	msg, err := icmp.ParseMessage(protoICMP, req)
	require.NoError(t, err)
	require.Equal(t, ipv4.ICMPTypeEcho, msg.Type)
	e := msg.Body.(*icmp.Echo)
	require.Equal(t, m.id, e.ID)
	require.Equal(t, 5, e.Seq)
	require.Len(t, e.Data, 40)
	require.Equal(t, uint64(now.UnixNano()), binary.BigEndian.Uint64(e.Data[:pingTimeLen]), "send time first")
	require.Equal(t, m.nonce[:], e.Data[pingTimeLen:pingMinSize], "then the nonce")
	require.Equal(t, bytes.Repeat([]byte{1}, 40-pingMinSize), e.Data[pingMinSize:], "then padding of 1s")

	m6, err := newEchoMatcher(true)
	require.NoError(t, err)
	req6, err := m6.request(0, pingMinSize, now)
	require.NoError(t, err)
	msg6, err := icmp.ParseMessage(protoICMPv6, req6)
	require.NoError(t, err)
	require.Equal(t, ipv6.ICMPTypeEchoRequest, msg6.Type)
}

func TestStripIPv4Header(t *testing.T) {
	m, err := newEchoMatcher(false)
	require.NoError(t, err)
	now := time.Now()
	req, err := m.request(0, pingMinSize, now)
	require.NoError(t, err)
	icmpReply := reply(t, req, protoICMP, ipv4.ICMPTypeEchoReply)
	hdr := func(ihl int) []byte {
		h := make([]byte, ihl*4)
		h[0] = 0x40 | byte(ihl)
		return h
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"bare ICMP", icmpReply},
		{"behind a 20-byte header", append(hdr(5), icmpReply...)},
		{"behind a header with options", append(hdr(7), icmpReply...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, icmpReply, stripIPv4Header(tc.b))
			m.sent(0, now)
			_, ok := m.match(tc.b)
			require.True(t, ok)
		})
	}
	require.Equal(t, []byte{0x45, 1}, stripIPv4Header([]byte{0x45, 1}), "too short for a header: left alone")
}
