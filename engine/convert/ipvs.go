package convert

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/convert/ipvsadm"
	"github.com/lvsctl/lvsctl/engine/state"
)

// IPVS replays one ipvsadm command (its arguments without the program
// name) on the host the way the kernel would take it: a command ipvsadm or
// the kernel refuses is reported and changes nothing.
func (h *Host) IPVS(pos Pos, what string, args []string) {
	cmd, err := ipvsadm.Parse(args)
	if err != nil {
		h.Note(pos, Failed, what, "ipvsadm rejects it ("+err.Error()+"); the command changes nothing")
		return
	}
	h.ApplyIPVS(pos, what, cmd)
}

// ApplyIPVS replays a parsed ipvsadm command.
func (h *Host) ApplyIPVS(pos Pos, what string, c *ipvsadm.Command) {
	switch c.Op {
	case ipvsadm.List, ipvsadm.Save, ipvsadm.Help, ipvsadm.Version:
		h.Note(pos, Ignored, what, "only prints the table")
		return
	case ipvsadm.Zero:
		h.Note(pos, Ignored, what, "zeroes counters, which are not configuration")
		return
	case ipvsadm.Clear:
		h.State.Services = nil
		return
	case ipvsadm.SetTimeouts:
		h.setTimeouts(pos, what, c.Timeouts)
		return
	case ipvsadm.StartDaemon, ipvsadm.StopDaemon:
		h.syncDaemon(pos, what, c)
		return
	case ipvsadm.Restore:
		h.Note(pos, LeftOut, what, "restores rules from its standard input; convert that file too: lvsctl convert --from ipvsadm-save FILE")
		return
	}
	if !h.resolveNames(pos, what, c) {
		return
	}
	if c.PE != "" {
		h.Note(pos, LeftOut, what, "the persistence engine (--pe "+c.PE+") cannot be described in lvsctl yet; the service is converted without it")
	}
	if (c.Op == ipvsadm.AddService || c.Op == ipvsadm.EditService) && !state.Known(state.Scheduler(c.Scheduler), state.Schedulers()) {
		h.Note(pos, Failed, what, "the kernel has no scheduler "+c.Scheduler+" (ipvsadm: Scheduler not found); the command changes nothing")
		return
	}
	for _, f := range c.NamedFlags {
		if (c.Op == ipvsadm.AddService || c.Op == ipvsadm.EditService) && !strings.HasPrefix(f, c.Scheduler+"-") {
			h.Note(pos, Failed, what, "ipvsadm refuses the flag "+f+" with scheduler "+c.Scheduler+" (incompatible scheduler flag); the command changes nothing")
			return
		}
	}
	if flags := misfitFlags(c); len(flags) > 0 {
		h.Note(pos, LeftOut, what, "the generic scheduler flags (flag-1, flag-2) do nothing with scheduler "+c.Scheduler+"; lvsctl leaves out what they become ("+strings.Join(flags, ",")+")")
		c.Flags = slices.DeleteFunc(c.Flags, func(f string) bool { return slices.Contains(flags, f) })
	}
	key := serviceOf(c).Key()
	i := h.service(key)
	missing := func() {
		h.Note(pos, Failed, what, "no such service "+key+" (ipvsadm: No such service); the command changes nothing")
	}
	switch c.Op {
	case ipvsadm.AddService:
		if i >= 0 {
			h.Note(pos, Failed, what, "the service "+key+" exists already (ipvsadm: Service already exists); the command changes nothing")
			return
		}
		h.State.Services = append(h.State.Services, serviceOf(c))
		h.origin["svc:"+key] = pos
	case ipvsadm.EditService:
		if i < 0 {
			missing()
			return
		}
		// ipvsadm sends the whole service: what -E leaves out takes its default.
		s := serviceOf(c)
		s.Servers = h.State.Services[i].Servers
		h.State.Services[i] = s
	case ipvsadm.DeleteService:
		if i < 0 {
			missing()
			return
		}
		h.State.Services = slices.Delete(h.State.Services, i, i+1)
	case ipvsadm.AddServer, ipvsadm.EditServer, ipvsadm.DeleteServer:
		if i < 0 {
			missing()
			return
		}
		h.server(pos, what, c, &h.State.Services[i])
	}
}

func (h *Host) server(pos Pos, what string, c *ipvsadm.Command, svc *state.Service) {
	srv := state.Server{
		Address: c.Server, Port: c.ServerPort, Method: state.Method(c.Method), Weight: c.Weight,
		UpperThreshold: c.Upper, LowerThreshold: c.Lower,
		TunnelType: state.TunnelType(c.TunType), TunnelPort: c.TunPort, TunnelChecksum: c.TunCsum,
	}
	j := slices.IndexFunc(svc.Servers, func(s state.Server) bool { return s.Key() == srv.Key() })
	switch {
	case c.Op != ipvsadm.DeleteServer && srv.LowerThreshold > srv.UpperThreshold:
		h.Note(pos, Failed, what, "the kernel refuses a lower threshold (-y) above the upper one (-x) (Numerical result out of range); the command changes nothing")
	case c.Op == ipvsadm.AddServer && j >= 0:
		h.Note(pos, Failed, what, "the server "+srv.Key()+" is in "+svc.Key()+" already (ipvsadm: Destination already exists); the command changes nothing")
	case c.Op != ipvsadm.AddServer && j < 0:
		h.Note(pos, Failed, what, "no server "+srv.Key()+" in "+svc.Key()+" (ipvsadm: No such destination); the command changes nothing")
	case c.Op == ipvsadm.DeleteServer:
		svc.Servers = slices.Delete(svc.Servers, j, j+1)
	case c.Op == ipvsadm.EditServer:
		// ipvsadm sends the whole server: what -e leaves out takes its default.
		svc.Servers[j] = srv
	default:
		if c.DroppedPort != 0 {
			h.Note(pos, Info, what, fmt.Sprintf("ipvsadm replaces the port %d with the service's %d: only NAT (-m) maps ports", c.DroppedPort, svc.Port))
		}
		svc.Servers = append(svc.Servers, srv)
		h.origin["srv:"+svc.Key()+"/"+srv.Key()] = pos
	}
}

// misfitFlags are the scheduler flags that belong to another scheduler.
func misfitFlags(c *ipvsadm.Command) []string {
	var out []string
	for _, f := range c.Flags {
		if !strings.HasPrefix(f, c.Scheduler+"-") {
			out = append(out, f)
		}
	}
	return out
}

func serviceOf(c *ipvsadm.Command) state.Service {
	s := state.Service{
		Protocol: c.Service.Protocol, Address: c.Service.Addr, Port: c.Service.Port,
		FWMark: c.Service.FWMark, Family: state.Family(c.Service.Family), Scheduler: state.Scheduler(c.Scheduler),
		Flags: slices.Sorted(slices.Values(c.Flags)), Persistence: c.Persistence, Netmask: c.Netmask,
		OnePacket: c.OnePacket,
	}
	if s.Netmask == 0 {
		s.Netmask = state.FullNetmask(s.Family)
	}
	return s
}

// syncDaemon starts or stops a sync daemon as ipvsadm does: its
// interface is eth0 unless --mcast-interface says otherwise, and the kernel
// runs one daemon of each state.
func (h *Host) syncDaemon(pos Pos, what string, c *ipvsadm.Command) {
	if c.Daemon != state.SyncMaster && c.Daemon != state.SyncBackup {
		h.Note(pos, Failed, what, "ipvsadm takes master or backup, not "+strconv.Quote(c.Daemon)+"; the command changes nothing")
		return
	}
	i := slices.IndexFunc(h.State.SyncDaemons, func(d state.SyncDaemon) bool { return d.State == c.Daemon })
	if c.Op == ipvsadm.StopDaemon {
		if i < 0 {
			h.Note(pos, Ignored, what, "stops a "+c.Daemon+" sync daemon the input did not start")
			return
		}
		h.State.SyncDaemons = slices.Delete(h.State.SyncDaemons, i, i+1)
		return
	}
	if i >= 0 {
		h.Note(pos, Failed, what, "a "+c.Daemon+" sync daemon runs already (ipvsadm: Device or resource busy); the command changes nothing")
		return
	}
	iface := c.Sync.Interface
	if iface == "" {
		iface = "eth0" // ipvsadm's default multicast interface
	}
	h.State.SyncDaemons = append(h.State.SyncDaemons, state.SyncDaemon{State: c.Daemon, Interface: iface, SyncID: c.Sync.SyncID,
		Group: c.Sync.Group, Port: c.Sync.Port, TTL: c.Sync.TTL, MaxLen: c.Sync.MaxLen})
	h.origin["sync:"+c.Daemon] = pos
}

func (h *Host) setTimeouts(pos Pos, what string, t [3]uint32) {
	// 0 leaves a timeout as it is; the kernel's defaults are 900 120 300.
	cur := state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}
	if h.State.Timeouts != nil {
		cur = *h.State.Timeouts
	}
	for i, v := range []*uint32{&cur.TCP, &cur.TCPFin, &cur.UDP} {
		if t[i] != 0 {
			*v = t[i]
		}
	}
	h.State.Timeouts = &cur
	h.origin["timeouts"] = pos
	_ = what
}

// FromIPVSSave reads an ipvsadm-save file (ipvsadm -S [-n] output) into host.
func FromIPVSSave(host *Host, file string, r io.Reader) error {
	lines, err := ipvsadm.ParseSave(r)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	host.Files = append(host.Files, file)
	for _, l := range lines {
		pos := Pos{File: file, Line: l.Line}
		if l.Err != nil {
			host.Note(pos, Failed, l.Text, "ipvsadm -R rejects it ("+l.Err.Error()+"); the line changes nothing")
			continue
		}
		host.ApplyIPVS(pos, l.Text, l.Cmd)
	}
	return nil
}
