#!/usr/bin/env bash
# Workflow step "migration plan" (pull requests): what this branch's migrations would do to a database migrated by
# the base branch, as Markdown in the job summary ($GITHUB_STEP_SUMMARY; stdout elsewhere). Until the `plan` verb
# lands, `status` and `preview` stand in for it: PLAN marks the line to change.
source "$(dirname "$0")/lib.sh"
read -r -a run <<<"${RUNNER:-$(runner_default)}"
db=$(ci_database ci_plan)
export DATABASE_CONNECTION_STRING=$db DOTNET_ENVIRONMENT=CI
# The base branch's state: the migrations it has (BASE_VERSION, from the workflow), else none.
if [ -n "${BASE_VERSION:-}" ] && [ "$BASE_VERSION" != 0 ]; then
  "${run[@]}" up --to "$BASE_VERSION" >/dev/null
fi
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
{
  echo "## Migration plan"
  echo
  echo '```'
  "${run[@]}" status
  echo '```'
  echo
  echo "<details><summary>SQL that <code>up</code> would run</summary>"
  echo
  echo '```sql'
  # PLAN: replace with "${run[@]}" plan --format markdown once the plan verb is merged.
  "${run[@]}" preview
  echo '```'
  echo "</details>"
} >>"$summary"
echo "plan summary: written to $summary" >&2
