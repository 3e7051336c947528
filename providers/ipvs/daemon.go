package ipvs

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// DaemonClient starts, stops and lists the IPVS sync daemons. The kernel
// client and ipvstest.Fake have it; cloudflare/ipvs has no call for it, so
// the kernel's goes over generic netlink itself (DaemonConn).
type DaemonClient interface {
	SyncDaemons() ([]state.SyncDaemon, error)
	StartSyncDaemon(state.SyncDaemon) error
	// StopSyncDaemon stops the daemon of d.State.
	StopSyncDaemon(d state.SyncDaemon) error
}

// Generic netlink numbers of include/uapi/linux/ip_vs.h.
const (
	cmdNewDaemon = 9  // IPVS_CMD_NEW_DAEMON
	cmdDelDaemon = 10 // IPVS_CMD_DEL_DAEMON
	cmdGetDaemon = 11 // IPVS_CMD_GET_DAEMON

	cmdAttrDaemon = 3 // IPVS_CMD_ATTR_DAEMON

	daemonAttrState       = 1 // u32: IP_VS_STATE_MASTER 1, IP_VS_STATE_BACKUP 2
	daemonAttrMcastIfn    = 2 // string
	daemonAttrSyncID      = 3 // u32
	daemonAttrSyncMaxLen  = 4 // u16
	daemonAttrMcastGroup  = 5 // in_addr
	daemonAttrMcastGroup6 = 6 // in6_addr
	daemonAttrMcastPort   = 7 // u16
	daemonAttrMcastTTL    = 8 // u8

	stateMaster = 1
	stateBackup = 2
)

// DaemonConn is the sync-daemon half of the kernel's IPVS, over its own
// generic netlink socket (opened in the caller's network namespace).
type DaemonConn struct {
	c      *genetlink.Conn
	family genetlink.Family
}

// DialDaemons opens the IPVS generic netlink family for the sync daemons.
func DialDaemons() (*DaemonConn, error) {
	c, err := genetlink.Dial(nil)
	if err != nil {
		return nil, err
	}
	f, err := c.GetFamily("IPVS")
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return &DaemonConn{c: c, family: f}, nil
}

// Close closes the socket.
func (d *DaemonConn) Close() error { return d.c.Close() }

func (d *DaemonConn) execute(cmd uint8, flags netlink.HeaderFlags, data []byte) ([]genetlink.Message, error) {
	return d.c.Execute(genetlink.Message{
		Header: genetlink.Header{Command: cmd, Version: d.family.Version},
		Data:   data,
	}, d.family.ID, netlink.Request|flags)
}

// SyncDaemons lists the running daemons, master first.
func (d *DaemonConn) SyncDaemons() ([]state.SyncDaemon, error) {
	msgs, err := d.execute(cmdGetDaemon, netlink.Dump, nil)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []state.SyncDaemon
	for _, m := range msgs {
		ad, err := netlink.NewAttributeDecoder(m.Data)
		if err != nil {
			return nil, err
		}
		for ad.Next() {
			if ad.Type() != cmdAttrDaemon {
				continue
			}
			var sd state.SyncDaemon
			ad.Nested(func(nad *netlink.AttributeDecoder) error {
				decodeDaemon(nad, &sd)
				return nil
			})
			out = append(out, sd)
		}
		if err := ad.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeDaemon(ad *netlink.AttributeDecoder, sd *state.SyncDaemon) {
	for ad.Next() {
		switch ad.Type() {
		case daemonAttrState:
			sd.State = daemonStateName(ad.Uint32())
		case daemonAttrMcastIfn:
			sd.Interface = ad.String()
		case daemonAttrSyncID:
			sd.SyncID = uint8(ad.Uint32())
		case daemonAttrSyncMaxLen:
			sd.MaxLen = ad.Uint16()
		case daemonAttrMcastGroup, daemonAttrMcastGroup6:
			if a, ok := netip.AddrFromSlice(ad.Bytes()); ok {
				sd.Group = a
			}
		case daemonAttrMcastPort:
			sd.Port = ad.Uint16()
		case daemonAttrMcastTTL:
			sd.TTL = ad.Uint8()
		}
	}
}

func daemonStateName(n uint32) string {
	switch n {
	case stateMaster:
		return state.SyncMaster
	case stateBackup:
		return state.SyncBackup
	}
	return fmt.Sprint(n)
}

func daemonStateNumber(s string) (uint32, error) {
	switch s {
	case state.SyncMaster:
		return stateMaster, nil
	case state.SyncBackup:
		return stateBackup, nil
	}
	return 0, fmt.Errorf("sync daemon state %q: want master or backup", s)
}

// StartSyncDaemon starts a daemon, as ipvsadm --start-daemon does.
func (d *DaemonConn) StartSyncDaemon(sd state.SyncDaemon) error {
	st, err := daemonStateNumber(sd.State)
	if err != nil {
		return err
	}
	ae := netlink.NewAttributeEncoder()
	ae.Nested(cmdAttrDaemon, func(nae *netlink.AttributeEncoder) error {
		nae.Uint32(daemonAttrState, st)
		nae.String(daemonAttrMcastIfn, sd.Interface)
		nae.Uint32(daemonAttrSyncID, uint32(sd.SyncID))
		if sd.MaxLen != 0 {
			nae.Uint16(daemonAttrSyncMaxLen, sd.MaxLen)
		}
		switch {
		case sd.Group.Is4():
			b := sd.Group.As4()
			nae.Bytes(daemonAttrMcastGroup, b[:])
		case sd.Group.Is6():
			b := sd.Group.As16()
			nae.Bytes(daemonAttrMcastGroup6, b[:])
		}
		if sd.Port != 0 {
			nae.Uint16(daemonAttrMcastPort, sd.Port)
		}
		if sd.TTL != 0 {
			nae.Uint8(daemonAttrMcastTTL, sd.TTL)
		}
		return nil
	})
	data, err := ae.Encode()
	if err != nil {
		return err
	}
	_, err = d.execute(cmdNewDaemon, netlink.Acknowledge, data)
	return err
}

// StopSyncDaemon stops the daemon of sd.State.
func (d *DaemonConn) StopSyncDaemon(sd state.SyncDaemon) error {
	st, err := daemonStateNumber(sd.State)
	if err != nil {
		return err
	}
	ae := netlink.NewAttributeEncoder()
	ae.Nested(cmdAttrDaemon, func(nae *netlink.AttributeEncoder) error {
		nae.Uint32(daemonAttrState, st)
		return nil
	})
	data, err := ae.Encode()
	if err != nil {
		return err
	}
	_, err = d.execute(cmdDelDaemon, netlink.Acknowledge, data)
	return err
}

// SyncDaemons reads the running sync daemons through the client, which
// must also be a DaemonClient.
func (p *Provider) SyncDaemons() ([]state.SyncDaemon, error) {
	dc, err := p.daemons()
	if err != nil {
		return nil, err
	}
	out, err := dc.SyncDaemons()
	if err != nil {
		return nil, newError("read sync daemons", "", err)
	}
	return out, nil
}

// StartSyncDaemon starts a sync daemon.
func (p *Provider) StartSyncDaemon(sd state.SyncDaemon) error {
	dc, err := p.daemons()
	if err != nil {
		return err
	}
	if err := dc.StartSyncDaemon(sd); err != nil {
		return daemonError("start", sd, err)
	}
	return nil
}

// StopSyncDaemon stops the sync daemon of sd.State.
func (p *Provider) StopSyncDaemon(sd state.SyncDaemon) error {
	dc, err := p.daemons()
	if err != nil {
		return err
	}
	if err := dc.StopSyncDaemon(sd); err != nil {
		return daemonError("stop", sd, err)
	}
	return nil
}

func (p *Provider) daemons() (DaemonClient, error) {
	if p.d != nil {
		return p.d, nil
	}
	if dc, ok := p.c.(DaemonClient); ok {
		return dc, nil
	}
	return nil, newError("sync daemon", "", errors.New("this IPVS client cannot run sync daemons"))
}

// daemonError explains the errnos of ip_vs_genl_new_daemon / del_daemon.
func daemonError(op string, sd state.SyncDaemon, err error) error {
	e := newError(op+" sync daemon", sd.State+" on "+sd.Interface, err)
	if e.Reason != "" {
		return e
	}
	switch {
	case errors.Is(err, unix.EEXIST):
		e.Reason = "a " + sd.State + " sync daemon is already running (ipvsadm --stop-daemon " + sd.State + " stops it)"
	case errors.Is(err, unix.ESRCH):
		e.Reason = "no " + sd.State + " sync daemon is running"
	case errors.Is(err, unix.ENODEV):
		e.Reason = "the interface " + sd.Interface + " does not exist: check it against `ip link`"
	case errors.Is(err, unix.EADDRNOTAVAIL):
		e.Reason = "the interface " + sd.Interface + " has no address of the group's family to send from"
	case errors.Is(err, unix.EINVAL):
		e.Reason = "the kernel refused the settings (sync id 0..255, an interface name, a multicast group)"
	}
	return e
}
