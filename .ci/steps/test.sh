#!/usr/bin/env bash
# Workflow step "test": the README's test command. Against the workflow's service container the tests take
# TEST_DATABASE_CONNECTION_STRING; .ci/run runs the same command once per PostgreSQL version with clusters of its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet test Database.sln "$@"
