#!/usr/bin/env bash
# Workflow step "build": the solution, warnings as errors (Directory.Build.props).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build Database.sln "$@"
