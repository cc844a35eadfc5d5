#!/usr/bin/env bash
# Machine set-up for exposure-lab, idempotent and quick when nothing is missing (make setup calls it).
#  - Debian packages the lab runs (real gateway data planes, a reference load tool, the browser for the HTML
#    report test): installed when missing and running as root; otherwise the exact command is printed and
#    the lab falls back to its built-in emulation (reports say which realization ran each hop).
#  - npm ci when node_modules is missing or older than package-lock.json.
# Envoy has no Debian package: put an `envoy` binary on PATH to have it realize envoy-gateway hops.
set -euo pipefail

# One list, one place. Package -> the command that proves it is there.
PACKAGES=(nginx-light haproxy wrk chromium)
declare -A PROVIDES=([nginx-light]=nginx [haproxy]=haproxy [wrk]=wrk [chromium]=chromium)

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }

have() {
  # Debian installs servers into /usr/sbin, which is not on every user's PATH.
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if have "${PROVIDES[$pkg]}"; then
    :
  else
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "system packages present: ${PACKAGES[*]}"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts nginx/haproxy services on install where an init system runs; the lab starts its own
  # instances on loopback with generated configs and needs none of them.
  for svc in nginx haproxy; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
      systemctl stop "$svc" || true
      systemctl disable "$svc" >/dev/null 2>&1 || true
      say "stopped the distribution's $svc service (the lab runs its own)"
    fi
  done
  say "installed: ${missing[*]}"
else
  say "missing system packages: ${missing[*]}"
  say "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  say "continuing: gateway hops without a real data plane run on the built-in emulation, and reports say so"
fi

for bin in nginx haproxy envoy; do
  if have "$bin"; then
    case "$bin" in
      nginx) v=$( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | sed -n 's/.*nginx\///p' | head -n1) ;;
      haproxy) v=$( (haproxy -v 2>&1 || /usr/sbin/haproxy -v 2>&1) | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -n1) ;;
      envoy) v=$(envoy --version 2>&1 | sed -n 's/.*version: [^/]*\/\([0-9.]*\).*/\1/p' | head -n1) ;;
    esac
    say "data plane: $bin ${v:-(version unknown)}"
  elif [ "$bin" = envoy ]; then
    say "data plane: envoy not installed (no Debian package); envoy-gateway hops use HAProxy standing in for Envoy"
  fi
done

# npm writes node_modules/.package-lock.json on every install: its age is the age of the install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (node_modules missing or older than package-lock.json)"
  npm ci --no-audit --no-fund
else
  say "node_modules up to date"
fi
