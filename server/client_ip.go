package server

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// clientIP is the address a request came from, as the sign-in limits,
// the public links' rate limit, sessions and the audit log see it. It is
// the connection's peer address, unless the peer is a trusted proxy
// (Config.TrustedProxies): then X-Forwarded-For is read from the right,
// each proxy having appended the address it got the request from, and the
// right-most address that is not a trusted proxy is the client. Whatever
// lies to its left was written by the client itself and is ignored, so a
// spoofed header cannot pick the address a limit counts.
//
// Fiber's c.IP() is not used for this: with a proxy header it believes the
// left-most address, the one a client can write.
func (s *Server) clientIP(c fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.RequestCtx().RemoteIP())
	if !ok {
		return c.IP()
	}
	client := peer.Unmap()
	if !s.trustedProxy(client) {
		return client.String()
	}
	hops := forwardedFor(c)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := parseHop(hops[i])
		if err != nil {
			break // a proxy we trust would not write this: believe nothing further left
		}
		client = hop
		if !s.trustedProxy(hop) {
			break
		}
	}
	return client.String()
}

// trustedProxy reports whether addr is inside one of the trusted proxy
// networks.
func (s *Server) trustedProxy(addr netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedFor returns the addresses of every X-Forwarded-For header of
// the request, left to right, as written.
func forwardedFor(c fiber.Ctx) []string {
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		for hop := range strings.SplitSeq(string(v), ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port ("192.0.2.7:5123", "[2001:db8::7]:5123") as some proxies write it.
func parseHop(hop string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(hop); err == nil {
		return a.Unmap(), nil
	}
	ap, err := netip.ParseAddrPort(hop)
	if err != nil {
		return netip.Addr{}, err
	}
	return ap.Addr().Unmap(), nil
}

// ParseTrustedProxies reads a comma-separated list of proxy networks in
// CIDR notation ("10.0.0.0/8,192.0.2.10/32"); a bare address means that
// one address. An empty list trusts no proxy.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is neither an address nor a network like 10.0.0.0/8", item)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy network %q: want CIDR notation like 10.0.0.0/8", item)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// proxyList spells prefixes as Fiber's TrustProxyConfig takes them.
func proxyList(prefixes []netip.Prefix) []string {
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = p.String()
	}
	return out
}
