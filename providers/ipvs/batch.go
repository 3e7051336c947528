package ipvs

import (
	"errors"
	"fmt"

	cfipvs "github.com/cloudflare/ipvs"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Cmd is an IPVS generic netlink write command (include/uapi/linux/ip_vs.h).
type Cmd uint8

// The write commands of a batch.
const (
	CmdNewService Cmd = 1 // IPVS_CMD_NEW_SERVICE
	CmdSetService Cmd = 2 // IPVS_CMD_SET_SERVICE
	CmdDelService Cmd = 3 // IPVS_CMD_DEL_SERVICE
	CmdNewDest    Cmd = 5 // IPVS_CMD_NEW_DEST
	CmdSetDest    Cmd = 6 // IPVS_CMD_SET_DEST
	CmdDelDest    Cmd = 7 // IPVS_CMD_DEL_DEST
)

// isDest reports whether the command is about a server (it carries one).
func (c Cmd) isDest() bool { return c == CmdNewDest || c == CmdSetDest || c == CmdDelDest }

// Request is one write of a batch in the client's terms: the service (in
// full for new and set, its identity otherwise) and, for the server
// commands, the server.
type Request struct {
	Cmd     Cmd
	Service cfipvs.Service
	Dest    cfipvs.Destination
}

// BatchClient makes many writes at once: the kernel's Writer sends them in
// a few system calls, ipvstest.Fake makes them in memory. Write makes reqs
// in order and returns one error per request, nil for each that was made.
// A failed request does not stop the later ones (the kernel goes on with
// every message of a sendmsg), so every result stands alone.
type BatchClient interface {
	Write(reqs []Request) []error
}

// Op is what a Write does.
type Op uint8

// The operations of WriteBatch, those of the per-change methods.
const (
	OpCreateService Op = iota + 1
	OpUpdateService
	OpDeleteService
	OpCreateServer
	OpUpdateServer
	OpDeleteServer
)

// Write is one write of WriteBatch: a service, or a server of a service.
type Write struct {
	Op      Op
	Service state.Service
	// Server is the server of a server operation.
	Server state.Server
}

// WriteBatch makes the writes in order, as many per system call as the
// client can, and returns one error per write: nil for each the kernel
// made, else the error the per-write method (CreateService, ...) gives.
// Unlike a run of those, a failed write does not stop the later ones: the
// kernel makes every write of a batch it can, so the caller learns exactly
// which were made.
func (p *Provider) WriteBatch(ws []Write) []error {
	errs := make([]error, len(ws))
	reqs := make([]Request, 0, len(ws))
	sent := make([]int, 0, len(ws)) // index in ws of each request
	for i, w := range ws {
		r, err := w.request()
		if err != nil {
			errs[i] = err
			continue
		}
		reqs = append(reqs, r)
		sent = append(sent, i)
	}
	var res []error
	if b := p.batch(); b != nil {
		res = b.Write(reqs)
	} else {
		res = p.writeEach(reqs)
	}
	for k, err := range res {
		if err != nil {
			errs[sent[k]] = ws[sent[k]].wrap(err)
		}
	}
	return errs
}

// ErrOutcomeUnknown is the error of a request of a batch whose answer was
// lost (the socket failed while acknowledgements were awaited, e.g. with
// ENOBUFS): the kernel may or may not have made it.
var ErrOutcomeUnknown = errors.New("the kernel's answer was lost, so whether the request was made is unknown")

// batch is the client's batch path, if it has one.
func (p *Provider) batch() BatchClient {
	if p.w != nil {
		return p.w
	}
	if b, ok := p.c.(BatchClient); ok {
		return b
	}
	return nil
}

// writeEach makes the requests one by one through a client without a batch
// path, going on after a failure as the kernel does in a batch.
func (p *Provider) writeEach(reqs []Request) []error {
	errs := make([]error, len(reqs))
	for i, r := range reqs {
		errs[i] = do(p.c, r)
	}
	return errs
}

// do makes one request through the client's per-request calls.
func do(c cfipvs.Client, r Request) error {
	switch r.Cmd {
	case CmdNewService:
		return c.CreateService(r.Service)
	case CmdSetService:
		return c.UpdateService(r.Service)
	case CmdDelService:
		return c.RemoveService(r.Service)
	case CmdNewDest:
		return c.CreateDestination(r.Service, r.Dest)
	case CmdSetDest:
		return c.UpdateDestination(r.Service, r.Dest)
	case CmdDelDest:
		return c.RemoveDestination(r.Service, r.Dest)
	}
	return fmt.Errorf("unknown IPVS command %d", r.Cmd)
}

// opName is the operation as errors name it.
func (w Write) opName() string {
	switch w.Op {
	case OpCreateService:
		return "create service"
	case OpUpdateService:
		return "update service"
	case OpDeleteService:
		return "delete service"
	case OpCreateServer:
		return "create server"
	case OpUpdateServer:
		return "update server"
	case OpDeleteServer:
		return "delete server"
	}
	return fmt.Sprintf("IPVS operation %d", w.Op)
}

// resource is the key errors name: the service, or "service -> server".
func (w Write) resource() string {
	if w.Op >= OpCreateServer {
		return w.Service.Key() + " -> " + w.Server.Key()
	}
	return w.Service.Key()
}

// request converts the write as the per-write methods do.
func (w Write) request() (Request, error) {
	var (
		r   Request
		err error
	)
	switch w.Op {
	case OpCreateService, OpUpdateService:
		r.Cmd = map[Op]Cmd{OpCreateService: CmdNewService, OpUpdateService: CmdSetService}[w.Op]
		r.Service, err = ServiceToWire(w.Service)
	case OpDeleteService:
		r.Cmd = CmdDelService
		r.Service, err = ServiceIdentityToWire(w.Service)
	case OpCreateServer, OpUpdateServer, OpDeleteServer:
		r.Cmd = map[Op]Cmd{OpCreateServer: CmdNewDest, OpUpdateServer: CmdSetDest, OpDeleteServer: CmdDelDest}[w.Op]
		r.Service, err = ServiceIdentityToWire(w.Service)
		if err == nil {
			if w.Op == OpDeleteServer {
				r.Dest, err = ServerIdentityToWire(w.Server)
			} else {
				r.Dest, err = ServerToWire(w.Server)
			}
		}
	default:
		err = fmt.Errorf("unknown operation %d", w.Op)
	}
	if err != nil {
		return Request{}, &Error{Op: w.opName(), Resource: w.resource(), Err: err}
	}
	return r, nil
}

// wrap explains a kernel error as the per-write method does.
func (w Write) wrap(err error) error {
	if w.Op >= OpCreateServer {
		return serverError(w.opName(), w.Service, w.Server, err)
	}
	return serviceError(w.opName(), w.Service, err)
}
