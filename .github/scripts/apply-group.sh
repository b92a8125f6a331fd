#!/usr/bin/env bash
# Apply a group of roots one after another: apply-environment.yml's step for a matrix entry that
# holds more than one root (terraform-apply.yml groups a stage's roots beyond matrix.max_jobs, see
# docs/workflows.md). Each root goes through the single-root job's steps, in the same order and
# with the same commands: apply check, the deployer package, init, re-plan, plan verify, apply
# record (started), terraform apply, apply record (outcome), apply rollout, apply report.
#
# The roots run in the order given (the matrix lists a group's roots sorted by path). The group
# stops at the first root that fails (refused, failed, or its rollout failed): the roots after it
# are not applied, and are named in the job summary and as error annotations; the exit status is
# then 1, so the next stage does not start. A re-run of the job applies the group again from its
# first root (a root already applied re-plans without changes).
#
# Environment: ROOTS and NAMES (space-separated, same order: root paths and their environment
# names), REPO, PR, RUN_URL, GITHUB_SHA, GITHUB_TOKEN, TF_STATE_BUCKET, GITHUB_STEP_SUMMARY; the
# job's AWS credentials (the stage's apply role: a group never mixes stages).
set -euo pipefail

read -r -a roots <<< "${ROOTS:-}"
read -r -a names <<< "${NAMES:-}"
if [ "${#roots[@]}" -eq 0 ] || [ "${#roots[@]}" -ne "${#names[@]}" ]; then
  echo "error: ROOTS and NAMES must name the same roots, in the same order (got ${#roots[@]} and ${#names[@]})" >&2
  exit 2
fi

# Sets CHECK, VERIFY, APPLY and DEPLOY to the outcomes GitHub would give the single-root job's
# steps of those ids (success, failure, or skipped when an earlier one failed); returns 1 when the
# root failed.
apply_root() {
  local root="$1" name="$2" out="$3"
  CHECK=skipped VERIFY=skipped APPLY=skipped DEPLOY=skipped
  if pipeline-tools apply check --repo "$REPO" --env "$name" --sha "$GITHUB_SHA" 2>&1 | tee "$out/verify.txt"; then
    CHECK=success
  else
    CHECK=failure
    return 1
  fi
  pipeline-tools deploy package --root "$root" || return 1
  local init_args=(-input=false -no-color)
  if [ -n "${TF_STATE_BUCKET:-}" ]; then init_args+=("-backend-config=bucket=$TF_STATE_BUCKET"); fi
  terraform -chdir="$root" init "${init_args[@]}" || return 1
  # Another run's group may hold the same root (groups are dealt per run): wait for its state lock.
  terraform -chdir="$root" plan -input=false -no-color -lock-timeout=15m -out="$out/tfplan" || return 1
  terraform -chdir="$root" show -json "$out/tfplan" > "$out/plan.json" || return 1
  local verify_args=(--env "$name" --repo "$REPO" --since-deployment "$name" --checked)
  if [ -n "${PR:-}" ]; then verify_args+=(--pr "$PR"); fi
  if pipeline-tools plan verify "$out/plan.json" "${verify_args[@]}" 2>&1 | tee "$out/verify.txt"; then
    VERIFY=success
  else
    VERIFY=failure
    return 1
  fi
  pipeline-tools apply record --repo "$REPO" --env "$name" --sha "$GITHUB_SHA" --state in_progress --log-url "$RUN_URL" || return 1
  if terraform -chdir="$root" apply -input=false -no-color -lock-timeout=15m "$out/tfplan"; then
    APPLY=success
  else
    APPLY=failure
  fi
  pipeline-tools apply record --repo "$REPO" --env "$name" --sha "$GITHUB_SHA" --state "$APPLY" --log-url "$RUN_URL" || true
  if [ "$APPLY" != success ]; then return 1; fi
  if pipeline-tools apply rollout --env "$name" --sha "$GITHUB_SHA"; then
    DEPLOY=success
  else
    DEPLOY=failure
    return 1
  fi
}

failed=""
for index in "${!roots[@]}"; do
  # A nested root's name (us-east-1/dev) is written with -- in the comment, as the matrix writes it.
  root="${roots[$index]}" name="${names[$index]//\//--}"
  out="$PWD/out/$name"
  mkdir -p "$out"
  echo "::group::apply $name ($root), $((index + 1)) of ${#roots[@]}"
  status=0
  apply_root "$root" "$name" "$out" || status=$?
  echo "::endgroup::"
  pipeline-tools apply report --repo "$REPO" --env "$name" --sha "$GITHUB_SHA" --pr "${PR:-}" \
    --check-outcome "$CHECK" --verify-outcome "$VERIFY" --apply-outcome "$APPLY" \
    --deploy-outcome "$DEPLOY" --log-url "$RUN_URL" --reason-file "$out/verify.txt" || true
  if [ "$status" -ne 0 ]; then
    failed="$name"
    break
  fi
done

if [ -n "$failed" ]; then
  not_run=("${names[@]:$((index + 1))}")
  not_run=("${not_run[@]//\//--}")
  echo "::error::$failed failed: the group stopped; not applied: ${not_run[*]:-none}"
  {
    echo ""
    echo "**The group stopped at $failed.** Not applied (an earlier root of the group failed):"
    for name in "${not_run[@]}"; do echo "- $name"; done
  } >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
  exit 1
fi
echo "applied ${#roots[@]} roots: ${names[*]}"
