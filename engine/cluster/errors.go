package cluster

import "errors"

// joinErrors is errors.Join that keeps nil for no errors and a lone error
// unwrapped, so single-host messages read naturally.
func joinErrors(errs []error) error {
	var kept []error
	for _, e := range errs {
		if e != nil {
			kept = append(kept, e)
		}
	}
	switch len(kept) {
	case 0:
		return nil
	case 1:
		return kept[0]
	}
	return errors.Join(kept...)
}
