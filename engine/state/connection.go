package state

import "fmt"

// Connection says how lvsctl reaches a host. The zero value is this machine.
type Connection struct {
	// Netns is a network namespace on this machine (/run/netns/NAME).
	Netns string `json:"netns,omitempty"`
	SSH   *SSH   `json:"ssh,omitempty"`
}

// SSH is a host reached over SSH, where `lvsctl agent` runs.
type SSH struct {
	Host         string `json:"host"`
	User         string `json:"user,omitempty"`
	Port         int    `json:"port,omitempty"`
	IdentityFile string `json:"identity_file,omitempty"`
}

// String describes the connection for messages: "local", "netns lvs1",
// "ssh root@192.0.2.10:22".
func (c Connection) String() string {
	switch {
	case c.SSH != nil:
		return fmt.Sprintf("ssh %s@%s:%d", c.SSH.User, c.SSH.Host, c.SSH.Port)
	case c.Netns != "":
		return "netns " + c.Netns
	}
	return "local"
}
