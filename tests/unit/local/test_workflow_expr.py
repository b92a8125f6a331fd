"""The ``${{ }}`` expressions of GitHub Actions as the workflow runner evaluates them."""

from __future__ import annotations

import pytest

from pipeline_tools.local.workflow_expr import ExpressionError, Functions, condition, evaluate, render

CONTEXTS = {
    "github": {"event_name": "push", "event": {"pull_request": {"number": 7, "head": {"repo": {
        "full_name": "acme/infra"}}}}, "repository": "acme/infra"},
    "needs": {"affected": {"result": "success", "outputs": {
        "names": '["dev","staging"]', "any": "true", "matrix": '{"include":[{"name":"dev"}]}'}}},
    "steps": {"plan": {"outcome": "failure", "outputs": {}}, "role": {"outputs": {"present": "true"}}},
    "vars": {"AWS_PLAN_ROLES": '{"dev": "arn:aws:iam::1:role/p-dev"}'},
    "inputs": {"environment": "staging"},
    "matrix": {"name": "dev", "path": "environments/dev"},
    "env": {"ENV_NAME": "dev"},
    "secrets": {},
}


@pytest.mark.parametrize(("source", "expected"), [
    ("contains(fromJSON(needs.affected.outputs.names), 'dev')", True),
    ("contains(fromJSON(needs.affected.outputs.names), 'prod')", False),
    ("fromJSON(vars.AWS_PLAN_ROLES || '{}')[matrix.name]", "arn:aws:iam::1:role/p-dev"),
    ("fromJSON(vars.MISSING || '{}')[matrix.name]", None),
    ("needs.affected.outputs.any == 'true'"
     " && github.event.pull_request.head.repo.full_name == github.repository", True),
    ("steps.plan.outcome == 'success' && 'success' || 'failure'", "failure"),
    ("steps.role.outputs.present == 'true' && 'yes' || 'no'", "yes"),
    ("!(steps.plan.outcome != 'success')", False),
    ("format('{0}-{1} {{x}}', inputs.environment, 3)", "staging-3 {x}"),
    ("github.event.pull_request.number", 7),
    ("vars.AWS_REGION || 'us-east-1'", "us-east-1"),
    ("'Dev' == 'dev'", True),  # strings compare case-insensitively
    ("1 == '1'", True),  # loose equality: different types compare as numbers
    ("null == ''", True),  # both coerce to the number 0, as GitHub documents
    ("null == 'x'", False),
    ("3 > 2 && 2 >= 2 && 1 < 2 && 2 <= 1", False),
    ("toJSON(matrix)", '{\n  "name": "dev",\n  "path": "environments/dev"\n}'),
    ("startsWith(matrix.path, 'environments/') && endsWith(matrix.path, 'DEV')", True),
    ("join(fromJSON(needs.affected.outputs.names), ', ')", "dev, staging"),
    ("fromJSON(needs.affected.outputs.matrix).include.*.name", ["dev"]),
    ("'it''s'", "it's"),
])
def test_expressions_evaluate_as_github_does(source: str, expected: object) -> None:
    assert evaluate(source, CONTEXTS) == expected


def test_render_keeps_the_type_of_a_whole_expression_and_writes_text_otherwise() -> None:
    matrix = render("${{ fromJSON(needs.affected.outputs.matrix) }}", CONTEXTS)
    assert matrix == {"include": [{"name": "dev"}]}
    assert render("plan-${{ matrix.name }}-${{ needs.affected.outputs.any }}", CONTEXTS) == "plan-dev-true"
    assert render({"a": ["${{ 1 == 1 }}"]}, CONTEXTS) == {"a": [True]}


def test_conditions_without_a_status_function_need_success() -> None:
    failed = Functions(success=lambda: False, failure=lambda: True)
    assert condition("steps.role.outputs.present == 'true'", CONTEXTS, Functions()) is True
    assert condition("steps.role.outputs.present == 'true'", CONTEXTS, failed) is False
    assert condition("${{ always() && steps.role.outputs.present == 'true' }}", CONTEXTS, failed) is True
    assert condition("failure()", CONTEXTS, failed) is True
    assert condition("!cancelled() && needs.affected.result == 'success'", CONTEXTS, failed) is True
    assert condition(None, CONTEXTS, failed) is False


@pytest.mark.parametrize("source", ["nope.x", "unknownfn(1)", "matrix.name ==", "a ! b", "fromJSON('{')"])
def test_what_it_cannot_evaluate_fails_loudly(source: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(source, CONTEXTS)
