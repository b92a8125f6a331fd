"""Stand-ins for command-line tools the workflows call that cannot run on this laptop.

* ``gh``: not installed here. This stand-in speaks to the GitHub API named by ``GITHUB_API_URL``
  (the local GitHub stand-in) with ``GH_TOKEN``/``GITHUB_TOKEN``, for exactly the subcommands the
  workflows use: ``gh api [--method M] PATH [-f k=v ...] [--jq FILTER]`` and
  ``gh pr comment N --repo R --body TEXT``. Anything else exits 2 naming what is missing.
* ``tfsec``: its release binary is a download (no network here). The stand-in writes a report
  with no findings to ``--out``; the gate's other scanners (checkov, the policy checks) still run
  for real, so a test relying on a tfsec finding cannot pass through it.

:func:`install` writes both as executables into a folder the workflow runner puts on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def install(bin_dir: Path, *, tfsec: bool = True) -> Path:
    """Write ``gh`` (and ``tfsec``) into ``bin_dir``; returns ``bin_dir``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    python = shlex.quote(sys.executable)
    names = ["gh", "tfsec"] if tfsec else ["gh"]
    for name in names:
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n# stand-in for {name}: pipeline_tools/local/cli_standins.py\n"
                          f"exec {python} -m pipeline_tools.local.cli_standins {name} \"$@\"\n")
        script.chmod(0o755)
    return bin_dir


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def _request(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    base = os.environ.get("GITHUB_API_URL", "").rstrip("/")
    token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN") or ""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}/{path.lstrip('/')}", data=data, method=method, headers={
        "Authorization": f"token {token}", "Accept": "application/vnd.github+json",
        "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text.strip() else None
    except urllib.error.HTTPError as exc:
        text = exc.read().decode(errors="replace")
        try:
            return exc.code, json.loads(text)
        except ValueError:
            return exc.code, {"message": text}


def gh_api(args: list[str]) -> int:
    method, path, jq_filter = "GET", "", None
    fields: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("--method", "-X"):
            method, index = args[index + 1].upper(), index + 2
        elif arg in ("-f", "-F", "--field", "--raw-field"):
            key, _, value = args[index + 1].partition("=")
            if key.endswith("[]"):
                fields.setdefault(key[:-2], []).append(value)
            else:
                fields[key] = value
            index += 2
        elif arg in ("--jq", "-q"):
            jq_filter, index = args[index + 1], index + 2
        elif arg.startswith("-"):
            return _fail(f"gh stand-in: gh api {arg} is not supported")
        else:
            path, index = arg, index + 1
    if fields and method == "GET":
        method = "POST"  # as gh does when fields are given
    labels = re.fullmatch(r"/?repos/([^/]+/[^/]+)/issues/(\d+)/labels", path)
    if labels and method == "GET":
        # The GitHub stand-in has no GET .../labels: the issue carries the same list.
        status, issue = _request("GET", f"repos/{labels.group(1)}/issues/{labels.group(2)}")
        payload = issue.get("labels", []) if status < 300 and isinstance(issue, dict) else issue
    else:
        status, payload = _request(method, path, fields or None)
    if status >= 300:
        message = payload.get("message", "") if isinstance(payload, dict) else ""
        sys.stderr.write(f"gh: {message} (HTTP {status})\n")
        return 1
    text = json.dumps(payload)
    if jq_filter is not None:
        completed = subprocess.run(["jq", "-r", jq_filter], input=text, text=True, capture_output=True,
                                   check=False)
        sys.stdout.write(completed.stdout)
        sys.stderr.write(completed.stderr)
        return completed.returncode
    sys.stdout.write(text + "\n")
    return 0


def gh_pr_comment(args: list[str]) -> int:
    number, repo, body = "", os.environ.get("GH_REPO", ""), None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in ("--repo", "-R"):
            repo, index = args[index + 1], index + 2
        elif arg in ("--body", "-b"):
            body, index = args[index + 1], index + 2
        elif arg.startswith("-"):
            return _fail(f"gh stand-in: gh pr comment {arg} is not supported")
        else:
            number, index = arg, index + 1
    if not (number and repo and body is not None):
        return _fail("gh stand-in: gh pr comment needs a number, --repo and --body")
    status, payload = _request("POST", f"repos/{repo}/issues/{number}/comments", {"body": body})
    if status >= 300:
        sys.stderr.write(f"gh: {payload} (HTTP {status})\n")
        return 1
    sys.stdout.write(f"{payload.get('html_url', '')}\n")
    return 0


def gh(args: list[str]) -> int:
    if args[:1] == ["api"]:
        return gh_api(args[1:])
    if args[:2] == ["pr", "comment"]:
        return gh_pr_comment(args[2:])
    return _fail(f"gh stand-in: `gh {' '.join(args[:2])}` is not supported "
                 "(pipeline_tools/local/cli_standins.py)")


def tfsec(args: list[str]) -> int:
    out = None
    for index, arg in enumerate(args):
        if arg == "--out" and index + 1 < len(args):
            out = args[index + 1]
    report = json.dumps({"results": None})
    if out:
        Path(out).write_text(report)
    else:
        sys.stdout.write(report + "\n")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        return _fail("usage: python -m pipeline_tools.local.cli_standins gh|tfsec ARGS")
    tool, rest = argv[0], argv[1:]
    if tool == "gh":
        return gh(rest)
    if tool == "tfsec":
        return tfsec(rest)
    return _fail(f"no stand-in for {tool}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
