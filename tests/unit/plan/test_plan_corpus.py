"""`plan summarize` on the public plan corpus (hashicorp/terraform-json test data, copied into
tests/fixtures/plans/terraform-json/): odd shapes from many terraform versions, and pure-function
checks of risk flags and JSON diffs on small plan fragments written here (marked as such)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_tools.plan.jsondiff import diff_json_strings
from pipeline_tools.plan.model import summarize
from pipeline_tools.plan.render.json_output import render_plan_json
from pipeline_tools.plan.render.markdown import render_plan_markdown
from pipeline_tools.plan.render.text import render_plan_text
from pipeline_tools.plan.risk import risk_flags_for
from tests.support.cli import run_cli
from tests.support.paths import FIXTURES

CORPUS = FIXTURES / "plans" / "terraform-json"
PLANS = sorted(p for p in CORPUS.glob("*__plan.json") if p.name != "invalid__plan.json")


def _load(name: str) -> dict:
    return json.loads((CORPUS / f"{name}__plan.json").read_text())


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_every_corpus_plan_summarizes_in_every_format(path: Path) -> None:
    summary = summarize(json.loads(path.read_text()))
    document = json.loads(render_plan_json(summary))
    assert set(document["counts"]) == {"add", "change", "destroy", "import", "replace", "move",
                                       "forget", "read"}
    assert all({"address", "actions"} <= set(r) for r in document["resources"])
    assert render_plan_text(summary, color=False).startswith((summary.plan_line, "WARNING"))
    markdown = render_plan_markdown(summary)
    assert summary.plan_line in markdown


def test_tainted_replacement() -> None:
    summary = summarize(_load("action_reason"))
    (resource,) = summary.resources
    assert (resource.action, resource.replace_order, resource.symbol) == ("replace", "destroy-first", "-/+")
    assert "tainted" in (resource.reason or "")
    assert summary.plan_line == "Plan: 1 to add, 0 to change, 1 to destroy."
    assert summary.counts.replace == 1


def test_moved_only_plan() -> None:
    summary = summarize(_load("moved_block"))
    (resource,) = summary.resources
    assert resource.moved and resource.previous_address == "random_id.test"
    assert summary.counts.move == 1 and summary.counts.add == summary.counts.change == 0
    assert summary.has_changes


def test_data_reads_are_counted_apart() -> None:
    summary = summarize(_load("basic"))
    assert summary.counts.read == 1
    assert summary.plan_line == "Plan: 7 to add, 0 to change, 0 to destroy."


def test_sensitive_output_in_clear_in_the_plan_is_masked() -> None:
    plan = _load("110_sensitive_values")
    assert plan["planned_values"]["outputs"]["foo"] == {"sensitive": True, "value": "bar"}
    summary = summarize(plan)
    (foo,) = [o for o in summary.outputs if o.name == "foo"]
    assert foo.sensitive and foo.after == "(sensitive value)"
    text = render_plan_text(summary, color=False)
    assert "+ foo = (sensitive value)" in text
    assert '+ string = "foo"' in text


def test_no_changes_plan() -> None:
    summary = summarize(_load("actions"))
    assert not summary.has_changes
    assert summary.plan_line == "No changes. Your infrastructure matches the configuration."
    result = run_cli("plan", "summarize", str(CORPUS / "actions__plan.json"), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["has_changes"] is False


# --- pure functions on small, hand-written plan fragments ----------------------------------

def _change(before: dict | None, after: dict | None, **extra: object) -> dict:
    return {"before": before, "after": after, "after_unknown": {}, "before_sensitive": {},
            "after_sensitive": {}, **extra}


def test_open_ingress_rules_of_every_shape() -> None:
    """Hand-written fragments: the three resource types that open ingress."""
    flags = risk_flags_for("aws_security_group_rule.any", "aws_security_group_rule", "managed", ("create",),
                           _change(None, {"type": "ingress", "from_port": 22, "to_port": 22,
                                          "protocol": "tcp", "ipv6_cidr_blocks": ["::/0"]}), None)
    assert [f.message for f in flags] == ["aws_security_group_rule.any opens ingress to the internet: "
                                          "tcp 22 from ::/0"]
    flags = risk_flags_for("aws_vpc_security_group_ingress_rule.all", "aws_vpc_security_group_ingress_rule",
                           "managed", ("create",),
                           _change(None, {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}), None)
    assert "all ports from 0.0.0.0/0" in flags[0].message
    egress = risk_flags_for("aws_security_group_rule.out", "aws_security_group_rule", "managed", ("create",),
                            _change(None, {"type": "egress", "cidr_blocks": ["0.0.0.0/0"]}), None)
    assert egress == []


def test_iam_wildcards_admin_attachments_and_narrowing() -> None:
    """Hand-written fragments: a new wildcard policy, an admin attachment, a narrowed policy."""
    wide = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    flags = risk_flags_for("aws_iam_policy.admin", "aws_iam_policy", "managed", ("create",),
                           _change(None, {"policy": wide}), None)
    assert "Action *" in flags[0].message and "Resource *" in flags[0].message
    narrow = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:x"}]})
    assert risk_flags_for("aws_iam_policy.p", "aws_iam_policy", "managed", ("update",),
                          _change({"policy": wide}, {"policy": narrow}), None) == []
    admin = {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    attach = risk_flags_for("aws_iam_role_policy_attachment.a", "aws_iam_role_policy_attachment", "managed",
                            ("create",), _change(None, admin), None)
    assert "AdministratorAccess" in attach[0].message
    sensitive = risk_flags_for("aws_iam_policy.s", "aws_iam_policy", "managed", ("create",),
                               _change(None, {"policy": wide}, after_sensitive={"policy": True}), None)
    assert sensitive == []  # never analysed, never quoted
    scoped = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:x/*"}]})
    widened = risk_flags_for("aws_iam_policy.p", "aws_iam_policy", "managed", ("update",),
                             _change({"policy": narrow}, {"policy": scoped}), None)
    assert "new actions s3:Get*" in widened[0].message and "Action s3:Get*" in widened[0].message


def test_json_diff_matches_statements_by_sid_and_containers_by_name() -> None:
    before = json.dumps([{"name": "web", "image": "a:1"}, {"name": "sidecar", "image": "b:1"}])
    after = json.dumps([{"name": "sidecar", "image": "b:1"}, {"name": "web", "image": "a:2"}])
    changes = diff_json_strings(before, after)
    assert [(c.path, c.before, c.after) for c in changes] == [('[name="web"].image', "a:1", "a:2")]
    assert diff_json_strings("not json", "{}") is None
    assert diff_json_strings('{"a": 1}', '{"a": 1}') == []


def test_text_is_coloured_only_on_a_terminal() -> None:
    """stdout is a real pseudo-terminal here: colour; piped (run_cli): none; NO_COLOR: none."""
    import os
    import pty
    import subprocess
    import sys

    def on_tty(extra_env: dict[str, str]) -> str:
        main, secondary = pty.openpty()
        env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
        env.update({"TERM": "xterm", **extra_env})
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline_tools", "plan", "summarize",
             str(CORPUS / "action_reason__plan.json"), "--format", "text"],
            stdout=secondary, stderr=subprocess.PIPE, env=env)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        os.close(main)
        assert process.returncode == 0
        return b"".join(chunks).decode()

    assert "\033[" in on_tty({})
    assert "\033[" not in on_tty({"NO_COLOR": "1"})
    piped = run_cli("plan", "summarize", str(CORPUS / "action_reason__plan.json"), "--format", "text")
    assert piped.returncode == 0 and "\033[" not in piped.stdout
