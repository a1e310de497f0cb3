#!/usr/bin/env bash
# CI for a pull request: plan the branch's schema against the target database, write the plan as
# Markdown for a PR comment, and post it when running on GitHub.
#
#   DATABASE_URL     the target (read-only use: plan never changes the database)
#   RECONCILE        the reconcile binary (default: reconcile on PATH)
#   COMMENT_FILE     where the Markdown goes (default: plan-comment.md)
#   GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER   when all set, the comment is posted with curl
#
# Exit codes: 0 no changes, 2 changes pending (the plan is in plans/pr.plan.toml and COMMENT_FILE),
# 1 error (bad schema files, unreachable database, a plan that would not converge).
set -uo pipefail
cd "$(dirname "$0")/.."
RECONCILE=${RECONCILE:-reconcile}
COMMENT_FILE=${COMMENT_FILE:-plan-comment.md}

"$RECONCILE" plan --detailed-exitcode --allow-destructive --format markdown --out plans/pr.plan.toml >"$COMMENT_FILE"
code=$?
case $code in
  0) echo "reconcile: no schema changes" ;;
  2) echo "reconcile: schema changes pending; review $COMMENT_FILE (plan: plans/pr.plan.toml)" ;;
  *) echo "reconcile: plan failed (exit $code)" >&2
     exit 1 ;;
esac

if [ -n "${GITHUB_TOKEN:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${PR_NUMBER:-}" ]; then
  python3 -c 'import json, sys; print(json.dumps({"body": open(sys.argv[1]).read()}))' "$COMMENT_FILE" |
    curl -sSf -X POST -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" \
      "https://api.github.com/repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" --data @- >/dev/null ||
    echo "reconcile: could not post the PR comment" >&2
fi
exit "$code"
