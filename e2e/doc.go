// Package e2e runs lvsctl against real IPVS in a throwaway VM.
//
// This machine's kernel may have no IPVS, so the tests boot a stock Debian
// kernel under qemu (TCG) from an initramfs built by vm/build.sh. Inside,
// network namespaces on a bridge form the seeds' labs (client, director,
// real servers), and vm/runner.sh runs the scenarios of scenarios/, each
// printing markers on the serial console. The driver in vm_test.go boots
// the VM once for all selected scenarios, streams the console to a log
// file and turns each scenario into a subtest of TestVM.
//
// This file and console.go hold the console protocol; everything that
// boots the VM lives in the _test files.
package e2e
