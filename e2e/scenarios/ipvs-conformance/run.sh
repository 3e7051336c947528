# ipvs-conformance: the IPVS provider's conformance suite, the one its fake
# passes in unit tests, run against this kernel so the fake cannot drift
# from the truth. It runs in a namespace of its own: a clean IPVS table.
need_binary ipvs.test
host_add conformance
# ipvs.test is built with -tags ipvskernel (vm/build.sh), which is what
# compiles TestConformanceKernel in.
step "ipvs.test -test.run TestConformanceKernel -test.v"
ip netns exec conformance /e2e/bin/ipvs.test \
	-test.run TestConformanceKernel -test.v >"$E2E_WORK/ipvs.out" 2>&1
rc=$?
cat "$E2E_WORK/ipvs.out"
[ "$rc" = 0 ] || fail "ipvs.test exited $rc: $(grep -m1 -E -- '--- FAIL|panic:|FAIL' "$E2E_WORK/ipvs.out")"
grep -q -- '--- PASS: TestConformanceKernel' "$E2E_WORK/ipvs.out" ||
	fail "ipvs.test passed without '--- PASS: TestConformanceKernel' (the test is missing or skipped)"
