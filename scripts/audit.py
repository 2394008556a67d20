"""Audit the locked dependency set (requirements.lock) for known vulnerabilities with pip-audit.

    .venv/bin/python scripts/audit.py                   # make audit: strict
    .venv/bin/python scripts/audit.py --offline-ok      # make test: see below

pip-audit asks its vulnerability service (PyPI's JSON API, ``/pypi/NAME/VERSION/json``) about
every pinned package; nothing is installed (``--no-deps --disable-pip``: the lock pins every
package already). Exit status:

- 0: every package was audited and none has a known vulnerability;
- 1: a package has a known vulnerability (the list and the fixed versions are printed);
- 2: the audit could not be done: the service did not answer for some packages (it is
  unreachable, or this network's PyPI mirror does not serve that API). Strict by default, so
  "no vulnerabilities found" is never claimed for packages nobody checked. With
  ``--offline-ok`` this case prints the same warning and exits 0 (vulnerabilities still fail).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIP_AUDIT = ROOT / ".venv" / "bin" / "pip-audit"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pip-audit over requirements.lock")
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--offline-ok", action="store_true", help="an unreachable service only warns")
    args = parser.parse_args(argv)

    cmd = [
        str(PIP_AUDIT),
        "-r",
        str(args.lock),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    print("audit: " + " ".join(cmd[:1] + [Path(c).name if c == str(args.lock) else c for c in cmd[1:]]))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(f"audit: FAILED: pip-audit did not run (exit {proc.returncode}):\n{proc.stderr.strip()}")
        return 2
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)

    for dep in vulnerable:
        for v in dep["vulns"]:
            fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version"
            print(f"audit: VULNERABLE {dep['name']} {dep['version']}: {v['id']} (fixed in {fixed})")
    print(f"audit: {audited} of {len(deps)} packages audited, {len(vulnerable)} with known vulnerabilities")
    if vulnerable:
        return 1
    if skipped:
        print(
            f"audit: NOT DONE for {len(skipped)} of {len(deps)} packages (e.g. {skipped[0]['skip_reason']}): "
            "the vulnerability service "
            "(PyPI's JSON API per version) did not answer from this machine, so nothing is known "
            "about those packages."
        )
        if args.offline_ok:
            print("audit: WARNING: continuing without a dependency audit (--offline-ok)")
            return 0
        return 2
    print("audit: no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
