package state

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
