#!/usr/bin/env bash
# A short tour of driverparty on a copy of the sample county (run by `make demo`).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
demo="$(mktemp -d "${TMPDIR:-/tmp}/driverparty-demo.XXXXXX")"
export DRIVERPARTY_REPO="$demo"
# the day the README's output was made, so the figures are the README's (issue 23)
export DRIVERPARTY_TODAY="${DRIVERPARTY_TODAY:-2026-06-30}"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-黄主任}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-huang@example.org}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"

say() { if [ -t 1 ]; then printf '\n\033[1m# %s\033[0m\n' "$*"; else printf '\n# %s\n' "$*"; fi; }
run() { printf '$ %s\n' "$*"; "$@"; }

cp -r "$here/driverparty.toml" "$here/records" "$demo/"
git -C "$demo" init -q -b main
git -C "$demo" add -A
git -C "$demo" commit -q -m "sample county 八步区"
say "A copy of the sample county is in $demo (DRIVERPARTY_REPO points at it; today is $DRIVERPARTY_TODAY)"
run driverparty validate

say "The figures reported upward (as in the README's \"Reports\" section)"
run driverparty summary

say "Add a member: the new id is printed alone, so scripts can capture it"
printf '$ id=$(driverparty member add --name 覃师傅 --occupation truck --stage applicant ...)\n'
id=$(driverparty member add --name 覃师傅 --occupation truck --stage applicant \
     --employer 广西桂东货运有限公司 --phone 13977412345 --applied-on 2025-03-01)
echo "$id"

say "List it as a table (phone masked) and as json"
run driverparty member list --where "id=$id"
run driverparty --lang zh member list --where "id=$id"
run driverparty member list --where "id=$id" --format json --fields id,name,phone,stage

say "Update it: one commit, holding exactly that file"
run driverparty member update "$id" --plate 桂J88123 --tags volunteer
run git -C "$demo" log -1 --stat --format='%h %s%n%n%b'

say "Break a file by hand, and validate catches it"
sed -i 's/^stage = .*/stage = "captain"/' "$demo/records/members/$id.toml"
printf '$ driverparty validate\n'
driverparty validate || echo "(exit $?)"
run driverparty status || echo "(exit $?)"
git -C "$demo" checkout -q -- records

say "The printable quarterly report"
driverparty report html --output "$demo/report.html"
echo "wrote $demo/report.html — open it in a browser, or print it on A4"
say "Done. Explore further with: export DRIVERPARTY_REPO=$demo; driverparty --help"
