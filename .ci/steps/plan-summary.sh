#!/usr/bin/env bash
# Workflow step "migration plan" (pull requests): what this branch's migrations would do to a database migrated by
# the base branch, as Markdown in the job summary ($GITHUB_STEP_SUMMARY; stdout elsewhere): `plan --markdown` (what
# each pending migration locks, rewrites and scans, measured on a scratch database), then the SQL `up` would run.
source "$(dirname "$0")/lib.sh"
read -r -a run <<<"${RUNNER:-$(runner_default)}"
db=$(ci_database ci_plan)
export DATABASE_CONNECTION_STRING=$db DOTNET_ENVIRONMENT=CI
# The base branch's state: the migrations it has (BASE_VERSION, from the workflow), else none.
if [ -n "${BASE_VERSION:-}" ] && [ "$BASE_VERSION" != 0 ]; then
  # The base branch's migrations ran before; they are not this pull request's to review.
  "${run[@]}" up --to "$BASE_VERSION" --allow-risky >/dev/null
fi
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
{
  "${run[@]}" plan --markdown
  echo
  echo "<details><summary>SQL that <code>up</code> would run</summary>"
  echo
  echo '```sql'
  "${run[@]}" preview
  echo '```'
  echo "</details>"
} >>"$summary"
echo "plan summary: written to $summary" >&2
