"""Small documents are parsed by the standard library (start-up: importing orjson costs more than
parsing them), and must come out exactly as orjson reads them: the same document or the same
one-line error, whichever way the input is odd."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline_tools.core import strict_input
from pipeline_tools.core.errors import InputError
from pipeline_tools.core.strict_input import MAX_JSON_DEPTH, loads_fast

REPO_ROOT = Path(__file__).resolve().parents[3]

ODD_DOCUMENTS = [
    b'{"a": 1, "b": [1.5, -0, 1E2, true, false, null, "x\\u00e9\\n"]}',
    b'{"a": 1, "a": 2}',  # the last key wins in both
    b"[18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809]",
    b"[1e400]",
    b"[-1e400]",
    b"[NaN]",
    b'{"x": Infinity}',
    b"[-Infinity]",
    b'["\\ud800"]',  # a lone surrogate, escaped
    b'["\\ud83d\\ude00"]',  # a pair
    b'["\\ud7ff"]',
    b'"\xed\xa0\x80"',  # a surrogate encoded in UTF-8
    b'"\xff"',
    b'{"a": 1',
    b'{"a": 1}   ',
    b'{"a": 1} x',
    b"",
    b"   ",
    b'"tab\there"',
    b"[1,]",
    b'{"a" 1}',
    b"0123",
    b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1),
    b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH,
    b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
    b'{"a":' * (MAX_JSON_DEPTH + 5) + b"1" + b"}" * (MAX_JSON_DEPTH + 5),
]


def _outcome(data: bytes) -> tuple[str, object]:
    try:
        document = loads_fast(data, "plan")
    except InputError as exc:
        return "error", str(exc)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))  # dumping the deepest accepted document
    try:
        return "document", json.dumps(document, sort_keys=True)  # 1 and 1.0 differ in their dumps
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("data", ODD_DOCUMENTS, ids=range(len(ODD_DOCUMENTS)))
@pytest.mark.parametrize("raised_recursion_limit", [False, True])
def test_the_small_path_reads_like_orjson(data: bytes, raised_recursion_limit: bool,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Reading a plan raises the recursion limit once; the standard library's own depth bound moves
    # with it, so both limits are tried.
    old_limit = sys.getrecursionlimit()
    if raised_recursion_limit:
        sys.setrecursionlimit(8000)
    try:
        small = _outcome(data)
        monkeypatch.setattr(strict_input, "_STDLIB_BELOW_BYTES", 0)
        whole = _outcome(data)
    finally:
        sys.setrecursionlimit(old_limit)
    assert small == whole


def test_a_small_plan_is_summarized_without_importing_orjson(tmp_path: Path) -> None:
    plan = REPO_ROOT / "tests" / "fixtures" / "plans" / "scenario" / "scenario__plan.json"
    code = (
        "import sys, io\n"
        "from pipeline_tools.plan.run import summarize_plan\n"
        f"summarize_plan({str(plan)!r}, output_format='json', out=io.StringIO())\n"
        "print(sorted(m for m in ('orjson', 'dataclasses', 'inspect', 'typing') if m in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                               cwd=REPO_ROOT)
    assert completed.stdout.strip() == "[]"


SUMMARY_PLANS = sorted((REPO_ROOT / "tests" / "fixtures" / "plans").rglob("*__plan.json"))


@pytest.mark.parametrize("path", [p for p in SUMMARY_PLANS if p.name != "invalid__plan.json"],
                         ids=lambda p: p.name)
def test_the_small_summary_is_written_as_orjson_writes_it(path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`--format json` of a small plan comes from the standard library's encoder, byte for byte
    what orjson writes for a big one (scripts may compare or hash it)."""
    from pipeline_tools.plan.model import summarize
    from pipeline_tools.plan.render import json_output

    summary = summarize(json.loads(path.read_text()))
    monkeypatch.setattr(json_output, "ORJSON_FROM_RESOURCES", 10**9)
    small = json_output.render_plan_json(summary)
    monkeypatch.setattr(json_output, "ORJSON_FROM_RESOURCES", 0)
    assert small == json_output.render_plan_json(summary)
