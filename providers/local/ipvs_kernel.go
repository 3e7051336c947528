package local

import "github.com/lvsctl/lvsctl/providers/ipvs"

var _ IPVS = (*ipvs.Provider)(nil)

// openKernelIPVS opens the IPVS table of the kernel.
func openKernelIPVS() (IPVS, error) {
	p, err := ipvs.Open()
	if err != nil {
		return nil, err
	}
	return p, nil
}
