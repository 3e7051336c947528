package ssh

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// auth finds the keys to log in with: those ssh-agent holds and the
// identity files, as ssh offers them.
type auth struct {
	mu     sync.Mutex
	agents map[string]*agentConn // by socket path
	files  map[string]identity   // by path
}

type agentConn struct {
	client agent.ExtendedAgent
	conn   net.Conn
	err    error
}

// identity is one identity file, read once per run.
type identity struct {
	signer    gossh.Signer    // nil when encrypted
	public    gossh.PublicKey // from the file or its .pub, when known
	encrypted bool
	err       error // unreadable or not a key
}

func (a *auth) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.agents {
		if c.conn != nil {
			_ = c.conn.Close()
		}
	}
}

// agent returns the ssh-agent for socket ("" = $SSH_AUTH_SOCK), or nil
// when there is none.
func (a *auth) agent(socket string) (agent.ExtendedAgent, error) {
	if socket == "none" {
		return nil, nil
	}
	if socket == "" {
		socket = os.Getenv("SSH_AUTH_SOCK")
	}
	if socket == "" {
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.agents[socket]; ok {
		return c.client, c.err
	}
	c := &agentConn{}
	conn, err := net.Dial("unix", socket)
	if err != nil {
		c.err = fmt.Errorf("ssh-agent at %s (SSH_AUTH_SOCK) does not answer: %w: start one with `eval $(ssh-agent)` and `ssh-add`, or unset SSH_AUTH_SOCK", socket, err)
	} else {
		c.conn, c.client = conn, agent.NewClient(conn)
	}
	if a.agents == nil {
		a.agents = map[string]*agentConn{}
	}
	a.agents[socket] = c
	return c.client, c.err
}

func (a *auth) identity(path string) identity {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id, ok := a.files[path]; ok {
		return id
	}
	id := readIdentity(path)
	if a.files == nil {
		a.files = map[string]identity{}
	}
	a.files[path] = id
	return id
}

func readIdentity(path string) identity {
	pem, err := os.ReadFile(path)
	if err != nil {
		return identity{err: err}
	}
	signer, err := gossh.ParsePrivateKey(pem)
	if err == nil {
		return identity{signer: signer, public: signer.PublicKey()}
	}
	var missing *gossh.PassphraseMissingError
	if !errors.As(err, &missing) {
		return identity{err: fmt.Errorf("%s is not a private key ssh can use: %w", path, err)}
	}
	id := identity{encrypted: true, public: missing.PublicKey}
	if id.public == nil {
		if pub, err := os.ReadFile(path + ".pub"); err == nil {
			id.public, _, _, _, _ = gossh.ParseAuthorizedKey(pub)
		}
	}
	return id
}

// defaultIdentities are the files ssh tries when ssh_config names none.
var defaultIdentities = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// signers returns the keys to offer to e, in ssh's order: agent keys
// (only those matching an identity file under IdentitiesOnly), then
// identity files the agent does not hold. problems explains keys that
// could not be used, for the error when no key was accepted.
func (a *auth) signers(e *endpoint, home string) (signers []gossh.Signer, problems []string, err error) {
	ag, err := a.agent(e.identityAgent)
	if err != nil {
		return nil, nil, err
	}
	files := e.identityFiles
	explicit := len(files) > 0
	if !explicit {
		for _, n := range defaultIdentities {
			files = append(files, filepath.Join(home, ".ssh", n))
		}
	}
	ids := make([]identity, len(files))
	for i, f := range files {
		ids[i] = a.identity(f)
	}
	var agentKeys []gossh.Signer
	if ag != nil {
		if agentKeys, err = ag.Signers(); err != nil {
			return nil, nil, fmt.Errorf("ask ssh-agent for its keys: %w", err)
		}
	}
	inAgent := func(pub gossh.PublicKey) gossh.Signer {
		for _, s := range agentKeys {
			if pub != nil && bytes.Equal(s.PublicKey().Marshal(), pub.Marshal()) {
				return s
			}
		}
		return nil
	}
	for _, s := range agentKeys {
		if !e.identitiesOnly {
			signers = append(signers, s)
		}
	}
	for i, id := range ids {
		path := files[i]
		switch {
		case id.err != nil:
			if explicit || !errors.Is(id.err, os.ErrNotExist) {
				problems = append(problems, fmt.Sprintf("identity file %s: %v", path, id.err))
			}
		case id.public != nil && inAgent(id.public) != nil:
			if e.identitiesOnly {
				signers = append(signers, inAgent(id.public))
			}
		case id.encrypted:
			why := "no ssh-agent is running (SSH_AUTH_SOCK is not set)"
			if ag != nil {
				why = "ssh-agent does not hold it"
			}
			problems = append(problems, fmt.Sprintf("identity file %s is encrypted with a passphrase and %s: lvsctl does not ask for passphrases; load it with `eval $(ssh-agent)` and `ssh-add %s`", path, why, path))
		default:
			signers = append(signers, id.signer)
		}
	}
	return signers, problems, nil
}

// authError explains a refused login.
func authError(e *endpoint, err error, offered int, problems []string) error {
	msg := fmt.Sprintf("log in to %s: %v", e, err)
	if offered == 0 {
		msg = fmt.Sprintf("log in to %s: no key to offer: load one into ssh-agent (ssh-add), or name one with IdentityFile in ssh_config or identity_file in the ssh block", e)
	}
	if len(problems) > 0 {
		msg += "; " + strings.Join(problems, "; ")
	} else if offered > 0 {
		msg += fmt.Sprintf("; %d key(s) offered, none accepted: add your public key to ~%s/.ssh/authorized_keys on the host, or name the right one with IdentityFile", offered, e.user)
	}
	return errors.New(msg)
}
