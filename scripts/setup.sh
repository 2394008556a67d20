#!/usr/bin/env bash
# Set up a development/CI environment from a fresh clone: the virtualenv with Klarsteg and
# its pinned dependencies, with --browser Debian's Chromium for the browser test, and with
# --spark the spark extra (PySpark) and Debian's headless Java 17 for the Spark tests.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_spark=0
for arg in "$@"; do
  case $arg in
    --browser) want_browser=1 ;;
    --spark) want_spark=1 ;;
    *) echo "setup: unknown option $arg (use --browser, --spark)" >&2; exit 2 ;;
  esac
done

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

# PySpark runs on Java 17 or newer: $JAVA_HOME/bin/java, else java on PATH (as Spark looks).
java_ok() {
  local java=${JAVA_HOME:+$JAVA_HOME/bin/java} major
  java=${java:-$(command -v java || true)}
  [[ -n $java && -x $java ]] || return 1
  major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  [[ -n $major && $major -ge 17 ]]
}
if [[ $want_spark == 1 ]] && ! java_ok; then
  apt_log=.venv/setup-apt.log
  if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    echo "setup: installing Debian's openjdk-17-jre-headless (Spark tests; log: $apt_log)" >&2
    if ! {
      apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless
    } >"$apt_log" 2>&1; then
      tail -n 20 "$apt_log" >&2
      echo "setup: installing Java failed; the whole log is in $apt_log" >&2
      exit 1
    fi
  else
    echo "setup: Java 17+ missing and apt-get not usable; install openjdk-17-jre-headless for the Spark tests" >&2
  fi
fi

# One stamp per set of extras: the spark extra (PySpark, pandas) only for --spark, so that
# `make run` keeps the core install as small as it is.
extras=dev
stamp=.venv/.klarsteg-installed
if [[ $want_spark == 1 ]]; then
  extras=dev,spark
  stamp=.venv/.klarsteg-installed-spark
fi
log=.venv/setup.log
# The install also compiles model/_nerkernel.c and model/_sparse.c: again when one changed.
if [[ ! -f $stamp || pyproject.toml -nt $stamp || requirements.lock -nt $stamp || model/_nerkernel.c -nt $stamp ||
  model/_sparse.c -nt $stamp ]]; then
  echo "setup: installing Klarsteg ($extras) and its pinned dependencies into .venv (log: $log)" >&2
  # pip's own chatter (and setuptools' notes on editable installs) goes to the log; the
  # log is shown when something fails.
  if ! {
    .venv/bin/python -m pip install --upgrade "pip>=25" &&
      .venv/bin/python -m pip install -c requirements.lock -e ".[$extras]"
  } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup: pip install failed; the whole log is in $log" >&2
    exit 1
  fi
  touch "$stamp"
  if [[ $want_spark == 1 ]]; then
    touch .venv/.klarsteg-installed # the dev install is part of it
  fi
fi
