package local

import (
	"fmt"
	"reflect"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// BatchMax is the most service and server changes sent to the kernel as
// one batch. The kernel makes all of a batch (a failure in it does not stop
// the rest), so this is also how far past a failure an apply can go; and
// an agent learns that its client has seen its progress only between two
// batches, so a batch can run up to BatchMax-1 changes past the agent's
// progress window (transport/agent). 32 requests per sendmsg already make
// the system calls a small part of the kernel's time.
const BatchMax = 32

// ipvsWrites returns the kernel writes of a service or server change, in
// the order they are made: none for a change of the record only (an
// adoption), two for a replacement (by key: the old one first when they
// share it, else the new one) and for removing a server that has a weight
// (drained to weight 0 first, as an operator would with ipvsadm -e -w 0
// before ipvsadm -d, so it stops taking new connections before it goes).
func ipvsWrites(c plan.Change) ([]ipvs.Write, error) {
	before, after := c.Before.Value(), c.After.Value()
	if c.Action == plan.NoOp {
		return nil, nil
	}
	if c.Action == plan.Update && c.Before != nil && reflect.DeepEqual(before, after) {
		return nil, nil
	}
	switch c.Kind {
	case plan.KindService:
		if err := pair(c.Action, before.Service, after.Service); err != nil {
			return nil, err
		}
		switch c.Action {
		case plan.Create:
			return []ipvs.Write{{Op: ipvs.OpCreateService, Service: *after.Service}}, nil
		case plan.Update:
			return []ipvs.Write{{Op: ipvs.OpUpdateService, Service: *after.Service}}, nil
		case plan.Delete:
			return []ipvs.Write{{Op: ipvs.OpDeleteService, Service: *before.Service}}, nil
		}
		return replaceWrites(before.Service.Key() == after.Service.Key(),
			[]ipvs.Write{{Op: ipvs.OpCreateService, Service: *after.Service}},
			[]ipvs.Write{{Op: ipvs.OpDeleteService, Service: *before.Service}}), nil
	case plan.KindServer:
		if err := pair(c.Action, before.Server, after.Server); err != nil {
			return nil, err
		}
		if c.Service == nil {
			return nil, fmt.Errorf("a server change needs its service")
		}
		svc := c.Service.Service()
		var drainAndDelete []ipvs.Write
		if c.Action == plan.Delete || c.Action == plan.Replace {
			if before.Server.Weight != 0 {
				drained := *before.Server
				drained.Weight = 0
				drainAndDelete = append(drainAndDelete, ipvs.Write{Op: ipvs.OpUpdateServer, Service: svc, Server: drained})
			}
			drainAndDelete = append(drainAndDelete, ipvs.Write{Op: ipvs.OpDeleteServer, Service: svc, Server: *before.Server})
		}
		switch c.Action {
		case plan.Create:
			return []ipvs.Write{{Op: ipvs.OpCreateServer, Service: svc, Server: *after.Server}}, nil
		case plan.Update:
			return []ipvs.Write{{Op: ipvs.OpUpdateServer, Service: svc, Server: *after.Server}}, nil
		case plan.Delete:
			return drainAndDelete, nil
		}
		return replaceWrites(before.Server.Key() == after.Server.Key(),
			[]ipvs.Write{{Op: ipvs.OpCreateServer, Service: svc, Server: *after.Server}},
			drainAndDelete), nil
	}
	return nil, fmt.Errorf("a %s change has no IPVS writes", c.Kind)
}

// replaceWrites orders a replacement as replace does.
func replaceWrites(sameKey bool, create, remove []ipvs.Write) []ipvs.Write {
	if sameKey {
		return append(remove, create...)
	}
	return append(create, remove...)
}

// writeEach makes writes one by one through the table's per-write
// methods, stopping at the first that fails.
func writeEach(t IPVS, ws []ipvs.Write) error {
	for _, w := range ws {
		var err error
		switch w.Op {
		case ipvs.OpCreateService:
			err = t.CreateService(w.Service)
		case ipvs.OpUpdateService:
			err = t.UpdateService(w.Service)
		case ipvs.OpDeleteService:
			err = t.DeleteService(w.Service)
		case ipvs.OpCreateServer:
			err = t.CreateServer(w.Service, w.Server)
		case ipvs.OpUpdateServer:
			err = t.UpdateServer(w.Service, w.Server)
		case ipvs.OpDeleteServer:
			err = t.DeleteServer(w.Service, w.Server)
		default:
			err = fmt.Errorf("unknown IPVS write %d", w.Op)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// batchable returns the write of a change that can go in a batch: a
// service or server change of at most one kernel write and nothing else to
// do (no hand-over to another cluster). A change of two writes goes alone,
// so that its second write is never made after its first failed.
func batchable(c plan.Change) ([]ipvs.Write, bool) {
	if (c.Kind != plan.KindService && c.Kind != plan.KindServer) || c.HandOver != nil {
		return nil, false
	}
	ws, err := ipvsWrites(c)
	if err != nil || len(ws) > 1 {
		return nil, false
	}
	return ws, true
}

// writeRun makes, as one batch, the run of batchable changes from i on
// within one step of the apply order, and returns how many changes it
// took and each one's error (nil: made). It takes none (0) when change i
// is not batchable or the table has no batch path; the caller then makes
// it alone.
func (l *Host) writeRun(changes []plan.Change, i int) (int, []error) {
	first, ok := batchable(changes[i])
	if !ok {
		return 0, nil
	}
	t, err := l.ipvsTable()
	if err != nil {
		return 0, nil // making the change alone reports it
	}
	bt, ok := t.(IPVSBatch)
	if !ok {
		return 0, nil
	}
	var (
		ws   = first
		at   = []int{0} // the write of each change, or -1 for none
		step = changes[i].Step()
	)
	if len(first) == 0 {
		at[0] = -1
	}
	for j := i + 1; j < len(changes) && j-i < BatchMax && changes[j].Step() == step; j++ {
		w, ok := batchable(changes[j])
		if !ok {
			break
		}
		if len(w) == 0 {
			at = append(at, -1)
			continue
		}
		at = append(at, len(ws))
		ws = append(ws, w...)
	}
	var errs []error
	if len(ws) > 0 {
		errs = bt.WriteBatch(ws)
	}
	out := make([]error, len(at))
	for k, w := range at {
		if w >= 0 {
			out[k] = errs[w]
		}
	}
	return len(at), out
}
