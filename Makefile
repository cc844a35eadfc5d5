# exposure-lab: every target installs what it needs first (make setup is idempotent and quick when done).
SHELL := /bin/bash
LAB := node bin/exposure-lab.mjs

SCENARIO ?= public-nlb
SCENARIOS ?= public-nlb alb-nlb-gateway apigw-nlb-gateway
PROVIDER ?= local
DURATION ?= 10
RATE ?= 200
WARMUP ?= 2
DRIVER ?= builtin
PROFILE ?= profiles/medium.yaml
BASELINE ?= reports/baselines/$(SCENARIO).json
CURRENT ?=
REPEAT ?= 1
RPS ?= 10..50000

# Prerequisites of PROVIDER=kind on a machine with Docker and internet access (not this lab machine):
# the lab image and the pinned Envoy Gateway / ingress-nginx install manifests (infra/kind/versions.json).
kind-prereqs: setup
	docker build -f infra/kind/Dockerfile -t $$(node -p "require('./infra/kind/versions.json').lab") .
	mkdir -p infra/kind/vendor
	node -e 'const v=require("./infra/kind/versions.json");for(const k of ["envoyGateway","ingressNginx"])console.log(v[k].installUrl+" "+v[k].install)' | while read url file; do curl -fsSL "$$url" -o "$$file"; done

.PHONY: kind-prereqs help setup bench compare cost regress sweep perf test validate plan list ip-matrix clean

help:
	@$(LAB) --help

# npm ci when node_modules is missing or older than the lockfile; Debian packages (nginx, haproxy, wrk,
# chromium) when missing and running as root. See scripts/setup.sh.
setup:
	@bash scripts/setup.sh

# regress re-runs the baseline's scenario at the baseline's own rate and duration unless given on the command line.
REGRESS_RUN = $(if $(filter command line,$(origin DURATION)),--duration $(DURATION)) $(if $(filter command line,$(origin RATE)),--rate $(RATE))

bench: setup
	@$(LAB) bench $(SCENARIO) --provider $(PROVIDER) --duration $(DURATION) --rate $(RATE) --warmup $(WARMUP) --driver $(DRIVER) --profile $(PROFILE)

compare: setup
	@$(LAB) compare $(SCENARIOS) --provider $(PROVIDER) --duration $(DURATION) --rate $(RATE) --warmup $(WARMUP) --profile $(PROFILE) --repeat $(REPEAT)

cost: setup
	@$(LAB) cost $(SCENARIO) --profile $(PROFILE)

regress: setup
	@$(LAB) regress --baseline $(BASELINE) $(if $(CURRENT),--current $(CURRENT),$(REGRESS_RUN))

sweep: setup
	@$(LAB) sweep $(SCENARIOS) --rps $(RPS) --profile $(PROFILE)

ip-matrix: setup
	@$(LAB) ip-matrix

validate: setup
	@$(LAB) validate --all

plan: setup
	@$(LAB) plan $(SCENARIO)

list: setup
	@$(LAB) list

# Benchmarks: figures and ratios printed, never asserted on time (this machine is noisy).
perf: setup
	@npx tsx bench/driver.ts
	@npx tsx bench/cost.ts
	@npx tsx bench/model.ts
	@npx tsx bench/emulation.ts

test: setup
	@npx tsc --noEmit
	@npx vitest run

clean:
	rm -rf reports/runs reports/compare reports/sweeps reports/regress test-artifacts
