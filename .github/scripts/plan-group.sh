#!/usr/bin/env bash
# Plan a group of roots one after another: terraform-pr.yml's step for a matrix entry that holds
# more than one root (affected groups roots beyond matrix.max_jobs, docs/affected.md). Each root
# goes through the single-root plan job's steps with the same commands: terraform fmt -check, the
# deployer package, init, validate, plan (with the stage's plan role), show, plan fingerprint,
# plan cost, tfsec and the security gate, plan summarize into the job summary.
#
# Every root is planned even when an earlier one failed (a plan changes nothing, and the comment
# shows each root's plan or its failure); the exit status is 1 when any root's fmt, validate, plan
# or gate failed. With a plan role each root's files go to out/plan-NAME/ (the folder the comment
# job reads: the artifact plans-GROUP holds one per root); without one (a root no stage holds, such
# as bootstrap) fmt, validate and the gate run and nothing is uploaded, as for a single root.
#
# Environment: ROOTS and NAMES (space-separated, same order), PLAN_ROLE, TF_STATE_BUCKET,
# GITHUB_STEP_SUMMARY; the job's AWS credentials (the stage's plan role: a group never mixes stages).
set -euo pipefail

read -r -a roots <<< "${ROOTS:-}"
read -r -a names <<< "${NAMES:-}"
if [ "${#roots[@]}" -eq 0 ] || [ "${#roots[@]}" -ne "${#names[@]}" ]; then
  echo "error: ROOTS and NAMES must name the same roots, in the same order (got ${#roots[@]} and ${#names[@]})" >&2
  exit 2
fi
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

# Returns 1 when the root's plan failed (its plan-log.txt then holds terraform's error).
plan_root() {
  local root="$1" name="$2" out="$3"
  pipeline-tools deploy package --root "$root" || return 1
  local init_args=(-input=false -no-color)
  if [ -z "${PLAN_ROLE:-}" ]; then
    init_args+=(-backend=false)
  elif [ -n "${TF_STATE_BUCKET:-}" ]; then
    init_args+=("-backend-config=bucket=$TF_STATE_BUCKET")
  fi
  terraform -chdir="$root" init "${init_args[@]}" 2>&1 | tee "$out/plan-log.txt" || return 1
  if ! terraform -chdir="$root" validate -no-color; then problems+=("$name: terraform validate failed"); fi
  if [ -z "${PLAN_ROLE:-}" ]; then return 0; fi
  # -lock=false: the plan role reads state; only the apply job takes the state lock.
  terraform -chdir="$root" plan -input=false -no-color -lock=false -out="$out/tfplan" 2>&1 | tee "$out/plan-log.txt" || return 1
  terraform -chdir="$root" show -json "$out/tfplan" > "$out/plan.json" || return 1
  terraform -chdir="$root" show -no-color "$out/tfplan" > "$out/plan.txt" || return 1
  pipeline-tools plan fingerprint "$out/plan.json" | tee "$out/fingerprint.txt" || return 1
  # An estimate never blocks a plan (e.g. a region without a snapshot).
  if pipeline-tools plan cost "$out/plan.json" --env "$name" --format json > "$out/cost.json"; then
    pipeline-tools plan cost "$out/plan.json" --env "$name" --format markdown >> "$summary" || true
  fi
}

gate_root() {
  local root="$1" name="$2" out="$3"
  tfsec "$root" --no-colour --soft-fail --format json --out "$out/tfsec.json" || return 1
  local gate_args=(--tfsec-json "$out/tfsec.json" --env "$name")
  if [ -f "$out/plan.json" ]; then gate_args+=(--plan "$out/plan.json"); fi
  pipeline-tools gate "$root" "${gate_args[@]}" --format markdown --sarif-out "$out/gate.sarif" \
    --json-out "$out/gate.json" > "$out/gate.md"
}

problems=()
for index in "${!roots[@]}"; do
  # A nested root's name (us-east-1/dev) is written with -- in the comment, as the matrix writes it.
  root="${roots[$index]}" name="${names[$index]//\//--}"
  if [ -n "${PLAN_ROLE:-}" ]; then out="$PWD/out/plan-$name"; else out="$PWD/unplanned/$name"; fi
  mkdir -p "$out"
  echo "::group::plan $name ($root), $((index + 1)) of ${#roots[@]}"
  if ! terraform fmt -check -recursive -diff "$root"; then problems+=("$name: terraform fmt"); fi
  planned=0
  plan_root "$root" "$name" "$out" || planned=$?
  if [ "$planned" -ne 0 ]; then problems+=("$name: terraform plan failed"); fi
  if ! gate_root "$root" "$name" "$out"; then problems+=("$name: security gate"); fi
  if [ "$planned" -eq 0 ] && [ -f "$out/plan.json" ]; then
    pipeline-tools plan summarize "$out/plan.json" --env "$name" --format markdown > "$out/summary.md"
    cat "$out/summary.md" >> "$summary"
  fi
  if [ -s "$out/gate.md" ]; then cat "$out/gate.md" >> "$summary"; fi
  echo "::endgroup::"
done

if [ "${#problems[@]}" -ne 0 ]; then
  for problem in "${problems[@]}"; do echo "::error::$problem"; done
  exit 1
fi
echo "planned ${#roots[@]} roots: ${names[*]}"
