// Package layering keeps the architecture's import rules true; it has no
// code, only the test that checks them (go test ./tools/layering).
//
// The engine (engine/...) owns its seams, such as cluster.Host, and knows
// nothing of how hosts are reached: no package under engine/ may import a
// provider (providers/...), a transport (transport/...) or the CLI.
package layering
