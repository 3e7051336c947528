# lvsctl — build, test, lint, benchmarks and the VM-based end-to-end tests.
# `make test` is the whole suite (what CI runs); `make unit` is the fast loop.

GO          ?= go
BIN         ?= bin/lvsctl
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LDFLAGS     := -s -w -X github.com/lvsctl/lvsctl/internal/version.Version=$(VERSION) \
               -X github.com/lvsctl/lvsctl/internal/version.Commit=$(COMMIT)
DIST        ?= dist
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
FUZZTIME    ?= 20s
BENCHCOUNT  ?= 6

.PHONY: all build release test unit netns lint deps e2e demo bench bench-vm bench-validate bench-compare fuzz docs clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/lvsctl

## release: static linux/amd64 and linux/arm64 binaries (dist/lvsctl-linux-ARCH),
## dist/SHA256SUMS and the man pages in dist/man.
release:
	GO=$(GO) VERSION=$(VERSION) COMMIT=$(COMMIT) tools/release/release.sh $(DIST)

## test: everything CI runs — lint, unit, CLI script, netns and VM tests;
## fails if any test skipped (LVSCTL_REQUIRE_* turn missing prerequisites into failures).
test: deps lint
	LVSCTL_REQUIRE_NETNS=1 LVSCTL_REQUIRE_TOOLS=1 $(GO) test -json -count=1 $$($(GO) list ./... | grep -v /e2e) \
		| $(GO) run ./tools/testsummary -no-skip
	$(MAKE) e2e

## unit: the quick loop; tests needing root or a VM skip with a reason.
unit:
	$(GO) test -short ./...

## netns: the tests that build hosts in network namespaces (root): host and
## netlink kernel tests, and the CLI scripts (those without [netns] are quick).
netns:
	LVSCTL_REQUIRE_NETNS=1 $(GO) test -count=1 -v -run 'Netns|/netns|TestScript' ./providers/... ./transport/... ./cmd/...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: not formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## deps: what the tests need on a fresh Debian machine (idempotent).
deps:
	@missing=""; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	command -v sysctl >/dev/null || missing="$$missing procps"; \
	command -v setpriv >/dev/null || missing="$$missing util-linux"; \
	{ test -x /usr/sbin/sshd && command -v sudo >/dev/null; } || missing="$$missing openssh-server sudo"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	command -v shellcheck >/dev/null || missing="$$missing shellcheck"; \
	if [ -n "$$missing" ]; then apt-get update && apt-get install -y $$missing; fi
	@test -x $(STATICCHECK) || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

## bench: engine benchmarks; compare two runs with `make bench-compare OLD=a.txt NEW=b.txt`.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./engine/... ./providers/... ./transport/... | tee bench.txt

## bench-vm: lvsctl vs ipvsadm in the e2e VM at 1k-20k services (bench/vm.sh; root, long);
## bench-validate: validate of 10k x 10 services, flat and dynamic, natively (bench/validate.sh).
bench-vm:
	bench/vm.sh bench-scale

bench-validate:
	bench/validate.sh 10000 10

bench-compare:
	$(GO) run golang.org/x/perf/cmd/benchstat@latest $(OLD) $(NEW)

## fuzz: run every fuzz target for FUZZTIME each (they also run as plain tests in `make test`).
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## docs: the pictures in docs/ (README shows them), drawn with Graphviz.
docs:
	$(GO) run ./cmd/lvsctl graph -format dot examples/dr-lab.hcl | dot -Tsvg > docs/dr-lab.svg
	$(GO) run ./cmd/lvsctl graph -format dot --state examples/keepalived.state.json examples/keepalived.hcl | dot -Tsvg > docs/keepalived-plan.svg

clean:
	rm -rf bin bench.txt $(DIST)

include e2e/Makefile.inc
