#!/usr/bin/env bash
# Set up a development/CI environment from a fresh clone: the virtualenv with Klarsteg and
# its pinned dependencies, and (with --browser) Debian's Chromium for the browser test.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

if [[ $want_browser == 1 && ! -x /usr/bin/chromium ]]; then
  if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    echo "setup: installing Debian's chromium (browser test)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1
  else
    echo "setup: /usr/bin/chromium missing and apt-get not usable; the browser test will be skipped" >&2
  fi
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.klarsteg-installed
log=.venv/setup.log
if [[ ! -f $stamp || pyproject.toml -nt $stamp || requirements.lock -nt $stamp ]]; then
  echo "setup: installing Klarsteg and its pinned dependencies into .venv (log: $log)" >&2
  # pip's own chatter (and setuptools' notes on editable installs) goes to the log; the
  # log is shown when something fails.
  if ! {
    .venv/bin/python -m pip install --upgrade "pip>=25" &&
      .venv/bin/python -m pip install -c requirements.lock -e ".[dev]"
  } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup: pip install failed; the whole log is in $log" >&2
    exit 1
  fi
  touch "$stamp"
fi
