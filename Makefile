# exposure-lab: every target installs what it needs first (scripts/setup.sh is idempotent and takes about a
# second when everything is there). Which tools each target installs (infra/tools/tools.yaml, `targets:`):
#   test, setup                      every tool marked install: auto (data planes, Envoy, Envoy Gateway, k6,
#                                    the Kubernetes control plane, kwok, moto, CRDs)
#   bench compare regress baseline ip-matrix  the data planes (nginx; Envoy Gateway with the Envoy it runs, egctl), iptables, k6
#   perf                             the above and wrk
#   cost sweep list plan validate doctor   node_modules only
#   kind-prereqs                     kind and kubectl
SHELL := /bin/bash
LAB := node bin/exposure-lab.mjs
SETUP := bash scripts/setup.sh

SCENARIO ?= public-nlb
SCENARIOS ?= public-nlb alb-nlb-gateway apigw-nlb-gateway
PROVIDER ?= local
DURATION ?= 10
RATE ?= 200
WARMUP ?= 2
DRIVER ?= builtin
RUNNERS ?= 1
PROFILE ?= profiles/medium.yaml
BASELINE ?= reports/baselines/$(SCENARIO).json
CURRENT ?=
REPEAT ?= 1
RPS ?= 10..50000

# Prerequisites of PROVIDER=kind on a Linux machine with Docker and internet access (not this lab machine):
# every pinned image pulled (kind node, Envoy Gateway and Envoy, ingress-nginx, LocalStack, the testcontainers
# reaper), the lab image built, the install manifests downloaded (infra/kind/versions.json). Runs pull nothing.
kind-prereqs:
	@$(SETUP) --for kind
	@npx tsx scripts/kind-prereqs.ts

.PHONY: kind-prereqs help setup doctor bench compare cost regress baseline sweep perf test validate plan list ip-matrix clean

help:
	@$(LAB) --help

# npm ci when node_modules is missing or older than the lockfile, then every tool make test needs that is
# missing (Debian packages as root; the rest into ~/.cache/exposure-lab/tools). See scripts/setup.sh.
setup:
	@$(SETUP)

# One line per tool: found or missing, version, path, origin, what needs it, how to install it. Exit 1 when
# something PROVIDER needs (or, without PROVIDER, what make test needs) is missing.
DOCTOR_PROVIDER = $(if $(filter command line environment,$(origin PROVIDER)),--provider $(PROVIDER))
doctor:
	@$(SETUP) --for none
	@$(LAB) doctor $(DOCTOR_PROVIDER)

# The tools a run needs: the data planes and Envoy Gateway, and k6 when it drives the load.
BENCH_TOOLS = --for bench $(if $(filter k6,$(DRIVER)),k6)

# regress runs the current side at the baseline's own rate and run length unless given on the command line.
REGRESS_RUN = $(if $(filter command line,$(origin DURATION)),--duration $(DURATION)) $(if $(filter command line,$(origin RATE)),--rate $(RATE))
# BASE_SCENARIO=<file>: both sides run now, interleaved (BASE_SCENARIO against SCENARIO); else the stored BASELINE.
BASE_SCENARIO ?=

bench:
	@$(SETUP) $(BENCH_TOOLS)
	@$(LAB) bench $(SCENARIO) --provider $(PROVIDER) --duration $(DURATION) --rate $(RATE) --warmup $(WARMUP) --driver $(DRIVER) $(if $(filter-out 1,$(RUNNERS)),--runners $(RUNNERS)) --profile $(PROFILE) $(if $(YES),--yes)

compare:
	@$(SETUP) $(BENCH_TOOLS)
	@$(LAB) compare $(SCENARIOS) --provider $(PROVIDER) --duration $(DURATION) --rate $(RATE) --warmup $(WARMUP) --profile $(PROFILE) --repeat $(REPEAT)

cost:
	@$(SETUP) --for none
	@$(LAB) cost $(SCENARIO) --profile $(PROFILE)

regress:
	@$(SETUP) $(BENCH_TOOLS)
	@$(LAB) regress $(if $(BASE_SCENARIO),--baseline-scenario $(BASE_SCENARIO) --scenario $(SCENARIO),--baseline $(BASELINE) $(if $(filter command line environment,$(origin SCENARIO)),--scenario $(SCENARIO)) $(if $(CURRENT),--current $(CURRENT))) $(REGRESS_RUN)

# Records a baseline history for regress: 20 short runs of SCENARIO in one session, added to BASELINE's file.
baseline:
	@$(SETUP) $(BENCH_TOOLS)
	@$(LAB) baseline record $(SCENARIO) $(if $(filter command line,$(origin RATE)),--rate $(RATE))

sweep:
	@$(SETUP) --for none
	@$(LAB) sweep $(SCENARIOS) --rps $(RPS) --profile $(PROFILE)

ip-matrix:
	@$(SETUP) $(BENCH_TOOLS)
	@$(LAB) ip-matrix

validate:
	@$(SETUP) --for none
	@$(LAB) validate --all

plan:
	@$(SETUP) --for none
	@$(LAB) plan $(SCENARIO)

list:
	@$(SETUP) --for none
	@$(LAB) list

# Benchmarks: figures and ratios printed, never asserted on time (this machine is noisy).
perf:
	@$(SETUP) --for perf $(BENCH_TOOLS)
	@npx tsx bench/driver.ts
	@npx tsx bench/cost.ts
	@npx tsx bench/model.ts
	@npx tsx bench/calibration.ts
	@npx tsx bench/emulation.ts
	@npx tsx bench/gateway.ts
	@npx tsx bench/gate-simulation.ts

test:
	@$(SETUP) --for test
	@npx tsc --noEmit
	@npx vitest run

clean:
	rm -rf reports/runs reports/compare reports/sweeps reports/regress test-artifacts
