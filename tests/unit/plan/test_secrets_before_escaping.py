"""Declared secrets are masked before any escaping, in every plan output (issue 11, item 6).

The plans are shaped exactly as ``terraform show -json`` writes them; the secret is the value of a
variable declared ``sensitive = true`` that reaches places terraform does not mark (the
``nonsensitive()`` function, a ``for_each`` key, an import id, a policy document, a failing
check's address). It holds every character that some escaping rewrites: ``_`` (markdown ``\\_``,
shown as a space in reasons), ``"`` (JSON ``\\"``, HTML ``&quot;``), ``<`` and ``&`` (HTML
entities), ``*`` and a backtick (markdown), and ``é`` (JSON ``\\u00e9``). Each output is checked
for the secret in every such encoding, and once more with the renderers' last-line scrub switched
off, to show the masking happens before escaping and not thanks to the scrub.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

import pipeline_tools.plan.render.json_output as json_output
import pipeline_tools.plan.render.markdown as markdown
import pipeline_tools.plan.render.text as text
from pipeline_tools.comment.compose import EnvironmentPlan, compose_plan_comment
from pipeline_tools.plan.masking import SENSITIVE
from pipeline_tools.plan.model import summarize
from pipeline_tools.plan.render._views import escape_html, escape_markdown
from tests.conftest import run_cli

SECRET = 'Pa_ss"w<o>r&d*`é-hunter2'


def encodings(secret: str) -> dict[str, str]:
    return {
        "raw": secret,
        "markdown": escape_markdown(secret),
        "html": escape_html(secret),
        "html.escape": html.escape(secret),
        "json": json.dumps(secret, ensure_ascii=False)[1:-1],
        "json-ascii": json.dumps(secret)[1:-1],
        "json(json)": json.dumps(json.dumps(secret)[1:-1])[1:-1],
        "markdown(json)": escape_markdown(json.dumps(secret, ensure_ascii=False)[1:-1]),
        "html(json)": escape_html(json.dumps(secret, ensure_ascii=False)[1:-1]),
        "spaces": secret.replace("_", " "),
        "percent": urllib.parse.quote(secret, safe=""),
        # The distinctive tail alone: a partial leak is a leak.
        "tail": "r&d*`é-hunter2", "tail-json": json.dumps("r&d*`é-hunter2")[1:-1],
    }


def assert_secret_free(name: str, output: str, secret: str = SECRET) -> None:
    for encoding, form in encodings(secret).items():
        assert form not in output, (name, encoding, output)


def _policy(resource: str) -> str:
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]})


def leaky_plan() -> dict[str, Any]:
    """A plan whose declared secret reaches every unmarked place a summary shows."""
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": {"db_password": {"value": SECRET}, "region": {"value": "us-east-1"}},
        "configuration": {"root_module": {"variables": {"db_password": {"sensitive": True}, "region": {}}}},
        "planned_values": {"outputs": {"leaked": {"sensitive": False, "value": SECRET}}, "root_module": {}},
        "resource_changes": [
            {"address": "aws_ssm_parameter.note", "mode": "managed", "type": "aws_ssm_parameter",
             "name": "note", "change": {
                 "actions": ["update"],
                 "before": {"description": "old", "tags": {"k": "v"}, "name": "note"},
                 "after": {"description": SECRET, "tags": {"k": SECRET, SECRET: "key"}, "name": "note"},
                 "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}},
            {"address": f'aws_s3_bucket.by_key["{SECRET}"]', "mode": "managed", "type": "aws_s3_bucket",
             "name": "by_key", "index": SECRET, "action_reason": f"replace_because_{SECRET}",
             "change": {"actions": ["delete", "create"], "before": {"bucket": "a"}, "after": {"bucket": "b"},
                        "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {},
                        "replace_paths": [["bucket"]]}},
            {"address": "aws_s3_bucket.imported", "mode": "managed", "type": "aws_s3_bucket",
             "name": "imported", "change": {
                 "actions": ["no-op"], "importing": {"id": SECRET},
                 "before": {"bucket": "i"}, "after": {"bucket": "i"}, "after_unknown": {},
                 "before_sensitive": {}, "after_sensitive": {}}},
            {"address": "aws_iam_policy.reader", "mode": "managed", "type": "aws_iam_policy",
             "name": "reader", "change": {
                 "actions": ["update"],
                 "before": {"policy": _policy("arn:aws:s3:::public/*")},
                 "after": {"policy": _policy(f"arn:aws:s3:::{SECRET}/*")},
                 "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}},
        ],
        "resource_drift": [
            {"address": "aws_ssm_parameter.note", "mode": "managed", "type": "aws_ssm_parameter",
             "name": "note", "change": {
                 "actions": ["update"], "before": {"description": "old"}, "after": {"description": SECRET},
                 "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}},
        ],
        "relevant_attributes": [{"resource": "aws_ssm_parameter.note", "attribute": ["description"]}],
        "output_changes": {"leaked": {"actions": ["update"], "before": "old", "after": SECRET,
                                      "after_unknown": False, "before_sensitive": False,
                                      "after_sensitive": False}},
        "checks": [{"address": {"to_display": f"check.pw[\"{SECRET}\"]"}, "status": "fail"}],
    }


def render_everything(plan: dict[str, Any]) -> dict[str, str]:
    summary = summarize(plan)
    out = {
        "json": json_output.render_plan_json(summary),
        "text": text.render_plan_text(summary, color=False),
        "text-color": text.render_plan_text(summary, color=True),
    }
    for max_chars in (65536, 2000, 700):
        out[f"markdown-{max_chars}"] = markdown.render_plan_markdown(summary, env="dev", max_chars=max_chars)
    out["pr-comment"] = compose_plan_comment([EnvironmentPlan("dev", summary, "sha256:" + "0" * 64, None)],
                                             sha="a" * 40, run_key="1.1")
    return out


def test_the_attack_plan_really_carries_the_secret_where_summaries_look() -> None:
    """Guard: rendered with masking switched off, the secret shows up escaped (the attack works)."""
    import pipeline_tools.plan.model as model

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "collect_sensitive_strings", lambda plan, **_: set())
        rendered = render_everything(leaky_plan())
    assert encodings(SECRET)["json"] in rendered["json"]
    assert encodings(SECRET)["markdown"] in rendered["markdown-65536"]
    assert encodings(SECRET)["html"] in rendered["markdown-65536"]
    assert encodings(SECRET)["spaces"] in rendered["text"]


def test_no_encoding_of_a_declared_secret_in_any_output() -> None:
    rendered = render_everything(leaky_plan())
    for name, output in rendered.items():
        assert_secret_free(name, output)
    # What the reviewer still sees: the change, with the secret masked.
    assert "aws_ssm_parameter.note" in rendered["text"] and "***" in rendered["text"]


def test_masking_happens_before_escaping_not_in_the_last_scrub() -> None:
    with pytest.MonkeyPatch.context() as patch:
        for module in (json_output, markdown, text):
            patch.setattr(module, "scrub", lambda value, secrets, **_: value)
        rendered = render_everything(leaky_plan())
    for name, output in rendered.items():
        if name != "pr-comment":  # the comment composes through the markdown module: covered
            assert_secret_free(name, output)


def test_json_output_stays_valid_json_with_the_secret_masked() -> None:
    document = json.loads(render_everything(leaky_plan())["json"])
    assert any("***" in flag["message"] for flag in document["risk_flags"])


# --- per-element sensitive marks in risk flags ---------------------------------------------

def _role(inline: list[dict[str, Any]], inline_marks: list[Any]) -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": [
        {"address": "aws_iam_role.app", "mode": "managed", "type": "aws_iam_role", "name": "app",
         "change": {"actions": ["create"], "before": None,
                    "after": {"name": "app", "assume_role_policy": json.dumps({"Statement": []}),
                              "inline_policy": inline},
                    "after_unknown": {}, "before_sensitive": False,
                    "after_sensitive": {"inline_policy": inline_marks}}}]}


HIDDEN_ACTION = "secretsmanager:GetSecretValue"
HIDDEN_RESOURCE = "arn:aws:secretsmanager:us-east-1:1:secret:prod-db-Hidden9"


@pytest.mark.parametrize("marks", [
    [{"policy": True}],                      # terraform's per-element mark
    [True],                                  # the whole block marked
    [{"policy": True}, {}],                  # one sensitive block next to a plain one
])
def test_risk_flags_honour_per_element_marks_of_inline_policy(marks: list[Any]) -> None:
    secret_policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": HIDDEN_ACTION,
                                               "Resource": HIDDEN_RESOURCE}, {"Effect": "Allow",
                                               "Action": "*", "Resource": "*"}]})
    inline = [{"name": "secret", "policy": secret_policy}]
    if len(marks) == 2:
        inline.append({"name": "plain", "policy": json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})})
    rendered = render_everything(_role(inline, marks))
    for name, output in rendered.items():
        for hidden in (HIDDEN_ACTION, HIDDEN_RESOURCE, "Action *", "Hidden9"):
            assert hidden not in output, (name, hidden, output)


def test_an_unmarked_inline_policy_is_still_analysed() -> None:
    inline = [{"name": "open", "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "*",
                                                                     "Resource": "*"}]})}]
    flags = summarize(_role(inline, [{}])).risk_flags
    assert [f.kind for f in flags] == ["iam-widened"] and "Action *" in flags[0].message


def test_an_ingress_rule_with_a_sensitive_cidr_is_not_shown_in_a_flag() -> None:
    plan = {"format_version": "1.2", "resource_changes": [
        {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
         "change": {"actions": ["update"],
                    "before": {"ingress": []},
                    "after": {"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "to_port": 22,
                                           "protocol": "tcp"},
                                          {"cidr_blocks": ["0.0.0.0/0"], "from_port": 443, "to_port": 443,
                                           "protocol": "tcp"}]},
                    "after_unknown": {}, "before_sensitive": {},
                    "after_sensitive": {"ingress": [{"cidr_blocks": True}, {}]}}}]}
    messages = [flag.message for flag in summarize(plan).risk_flags]
    assert messages == ["aws_security_group.web opens ingress to the internet: tcp 443 from 0.0.0.0/0"]


# --- unknown and sensitive after the change, unmarked before ------------------------------

def test_a_value_sensitive_only_after_the_change_hides_its_old_value_too() -> None:
    old = "old-visible-note-value"
    plan = {"format_version": "1.2", "resource_changes": [
        {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
         "change": {"actions": ["update"],
                    "before": {"tags": {"note": old, "team": "a"}, "grants": [old, "x"], "bucket": "d"},
                    "after": {"tags": {"team": "b"}, "grants": ["new-grant", "x", "y"], "bucket": "d"},
                    "after_unknown": {"tags": {"note": True}},
                    "before_sensitive": {"tags": {}},
                    "after_sensitive": {"tags": {"note": True}, "grants": [True]}}}]}
    summary = summarize(plan)
    by_path = {attr.path: attr for attr in summary.resources[0].attribute_changes()}
    assert by_path["tags.note"].before == SENSITIVE and by_path["tags.note"].unknown
    assert by_path["tags.team"].before == '"a"'  # unmarked parts still show
    for name, output in render_everything(plan).items():
        assert old not in output, (name, output)


# --- plan fingerprint --explain --------------------------------------------------------------

def test_fingerprint_explain_masks_declared_secrets_in_every_encoding(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(leaky_plan()), encoding="utf-8")
    result = run_cli("plan", "fingerprint", "--explain", str(path),
                     env={"PIPELINE_TOOLS_FINGERPRINT_KEY": ""})
    assert result.returncode == 0, result.stderr
    change_set = json.loads(result.stdout)
    assert change_set["resources"]  # the change set is still there, masked
    assert_secret_free("explain", result.stdout + result.stderr)
    # The fingerprint itself is unchanged by the masking of what --explain prints.
    plain = run_cli("plan", "fingerprint", str(path), env={"PIPELINE_TOOLS_FINGERPRINT_KEY": ""})
    assert plain.stdout.startswith("sha256:")


def test_fingerprint_explain_masks_the_fingerprint_key(tmp_path: Path) -> None:
    key = 'fp_key"é<&-0123456789'
    plan = leaky_plan()
    plan["resource_changes"][0]["change"]["after"]["description"] = key
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = run_cli("plan", "fingerprint", "--explain", str(path),
                     env={"PIPELINE_TOOLS_FINGERPRINT_KEY": key})
    assert result.returncode == 0, result.stderr
    assert_secret_free("explain-key", result.stdout, key)
