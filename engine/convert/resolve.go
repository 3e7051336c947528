package convert

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/lvsctl/lvsctl/engine/convert/ipvsadm"
)

// Lookup is the one call of a resolver that conversion needs;
// *net.Resolver has it, and Hosts answers from a hosts(5) file.
type Lookup interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Resolver turns the host names of ipvsadm commands (ipvsadm-save written
// without -n) into addresses, as ipvsadm does when it runs: IPv4 only
// (gethostbyname), the first address. One Resolver serves every host of a
// conversion, so a name is looked up, and reported, once.
type Resolver struct {
	Lookup Lookup
	// Via names the source in notes ("the system resolver", "hosts file F").
	Via string
	// Timeout bounds each lookup (default 5 s), so a dead DNS server cannot
	// hang the conversion.
	Timeout time.Duration
	cache   map[string]resolved
}

type resolved struct {
	addr netip.Addr
	err  error
}

// SystemResolver resolves through the system's resolver (net.DefaultResolver).
func SystemResolver() *Resolver {
	return &Resolver{Lookup: net.DefaultResolver, Via: "the system resolver"}
}

// resolve looks name up once; first reports whether this is the first time.
func (r *Resolver) resolve(name string) (addr netip.Addr, first bool, err error) {
	if x, ok := r.cache[name]; ok {
		return x.addr, false, x.err
	}
	if r.cache == nil {
		r.cache = map[string]resolved{}
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	addrs, err := r.Lookup.LookupNetIP(ctx, "ip4", name)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("no IPv4 address")
	}
	if err == nil {
		addr = addrs[0].Unmap()
	}
	r.cache[name] = resolved{addr, err}
	return addr, true, err
}

// resolveNames replaces the host names of an ipvsadm command with their
// addresses. It reports false, with a note, when a name stays unresolved:
// the command is then left out.
func (h *Host) resolveNames(pos Pos, what string, c *ipvsadm.Command) bool {
	if c.Service.Host == "" && c.ServerHost == "" {
		return true
	}
	if h.Resolver == nil {
		h.Note(pos, LeftOut, what, "names a host instead of an address; resolve it with --resolve (or --hosts FILE), or write the address (ipvsadm-save -n does)")
		return false
	}
	for _, x := range []struct {
		name *string
		addr *netip.Addr
	}{{&c.Service.Host, &c.Service.Addr}, {&c.ServerHost, &c.Server}} {
		if *x.name == "" {
			continue
		}
		addr, first, err := h.Resolver.resolve(*x.name)
		if err != nil {
			h.Note(pos, LeftOut, what, fmt.Sprintf("%s does not resolve through %s (%v), so ipvsadm would refuse the line here; write the address", *x.name, h.Resolver.Via, err))
			return false
		}
		if first {
			h.Note(pos, Info, *x.name, fmt.Sprintf("resolved to %s through %s, as ipvsadm would (its first IPv4 address)", addr, h.Resolver.Via))
		}
		*x.addr, *x.name = addr, ""
	}
	if c.Service.Addr.IsValid() {
		c.Service.Family = "inet"
	}
	return true
}

// Hosts answers lookups from a hosts(5) file, for --hosts: names resolve
// as on the machine the file comes from, without asking DNS.
type Hosts map[string][]netip.Addr

// ParseHosts reads a hosts(5) file: an address, then its names; # starts a
// comment. Malformed lines are skipped, as the resolver does.
func ParseHosts(src []byte) Hosts {
	h := Hosts{}
	for _, line := range strings.Split(string(src), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			continue
		}
		for _, name := range f[1:] {
			k := strings.ToLower(name)
			h[k] = append(h[k], a.Unmap())
		}
	}
	return h
}

// LookupNetIP implements Lookup.
func (h Hosts) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, a := range h[strings.ToLower(strings.TrimSuffix(host, "."))] {
		if network == "ip" || network == "ip4" && a.Is4() || network == "ip6" && a.Is6() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("not in the hosts file")
	}
	return out, nil
}
