package agent

import (
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
)

// appendServices and decodeServices are the compact form of services a
// read's answer and an apply's state kept for boot carry (servicecodec).
func appendServices(b []byte, services []state.Service) []byte {
	return servicecodec.Append(b, services)
}

func decodeServices(b []byte) ([]state.Service, error) { return servicecodec.Decode(b) }
