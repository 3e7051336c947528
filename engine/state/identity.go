package state

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ServiceID is the kernel's identity of a service: protocol, VIP and port,
// or a firewall mark and family. A server change carries its service's, so
// whoever carries the change out knows the service without parsing a name.
// As text (JSON) it is the service's key, e.g. "tcp/10.0.0.1:80" or
// "fwmark/1/inet".
type ServiceID struct {
	Protocol string
	Address  netip.Addr
	Port     uint16
	FWMark   uint32
	Family   Family
}

// ID returns the service's identity.
func (s Service) ID() ServiceID {
	return ServiceID{Protocol: s.Protocol, Address: s.Address, Port: s.Port, FWMark: s.FWMark, Family: s.Family}
}

// Service returns a service with only this identity set: what the kernel
// needs to find it.
func (id ServiceID) Service() Service {
	return Service{Protocol: id.Protocol, Address: id.Address, Port: id.Port, FWMark: id.FWMark, Family: id.Family}
}

// Key is "tcp/10.0.0.1:80", "udp/[2001:db8::1]:53" or "fwmark/1/inet".
func (id ServiceID) Key() string {
	if id.FWMark != 0 {
		return fmt.Sprintf("fwmark/%d/%s", id.FWMark, id.Family)
	}
	return id.Protocol + "/" + netip.AddrPortFrom(id.Address, id.Port).String()
}

// MarshalText writes the key.
func (id ServiceID) MarshalText() ([]byte, error) { return []byte(id.Key()), nil }

// UnmarshalText reads a key (ParseServiceID).
func (id *ServiceID) UnmarshalText(b []byte) error {
	v, err := ParseServiceID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// ParseServiceID reads a service key back into the identity.
func ParseServiceID(key string) (ServiceID, error) {
	proto, rest, ok := strings.Cut(key, "/")
	if !ok {
		return ServiceID{}, fmt.Errorf("service key %q: want PROTOCOL/VIP:PORT or fwmark/MARK/FAMILY", key)
	}
	if proto == "fwmark" {
		mark, family, ok := strings.Cut(rest, "/")
		m, err := strconv.ParseUint(mark, 10, 32)
		if !ok || err != nil || m == 0 || !Known(Family(family), Families()) {
			return ServiceID{}, fmt.Errorf("service key %q: want fwmark/MARK/inet or fwmark/MARK/inet6", key)
		}
		return ServiceID{FWMark: uint32(m), Family: Family(family)}, nil
	}
	ap, err := netip.ParseAddrPort(rest)
	if err != nil {
		return ServiceID{}, fmt.Errorf("service key %q: %w", key, err)
	}
	return ServiceID{Protocol: proto, Address: ap.Addr(), Port: ap.Port(), Family: FamilyOf(ap.Addr())}, nil
}
