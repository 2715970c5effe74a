#!/bin/sh
# Browser tests of the web interface (docs/internals/web.md): a fresh
# database with one account per role, a real `haven serve` on a free
# loopback port, and playwright-core driving Debian's chromium through the
# stories in e2e.test.mjs.  Screenshots go to $HAVEN_SHOTS (default
# build/browser-screenshots).  Called by scripts/run-tests.sh; needs the
# packages chromium and nodejs/npm, and installs the npm packages of
# package-lock.json when they are missing.
#   sh tests/browser/run.sh [path/to/haven]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
haven=${1:-${HAVEN:-$root/build/haven}}
case $haven in /*) ;; *) haven=$(pwd)/$haven ;; esac
shots=${HAVEN_SHOTS:-$root/build/browser-screenshots}

command -v node >/dev/null || { echo "browser tests: node is missing (apt-get install nodejs npm)" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "browser tests: chromium is missing (apt-get install chromium)" >&2; exit 1; }
[ -x "$haven" ] || { echo "browser tests: no haven binary at $haven" >&2; exit 1; }
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

work=$(mktemp -d /tmp/haven-browser-XXXXXX)
server=""
cleanup() {
	if [ -n "$server" ]; then
		kill -TERM "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

db=$work/haven.db
"$haven" init --db "$db" >/dev/null

# username agency role: one account per role, the caseworkers of the
# story's agencies, and ngo_new for the story of the data-protection terms
# at a first sign-in.  Passwords are made here; secrets come from the
# otpauth:// URI that `haven user add` prints.
printf '{' >"$work/accounts.json"
sep=""
while read -r user agency role; do
	password="Test-passphrase-$user-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	out=$(printf '%s\n' "$password" | "$haven" user add --db "$db" --username "$user" --agency "$agency" --role "$role")
	secret=$(printf '%s\n' "$out" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
	printf '%s"%s":{"password":"%s","secret":"%s","agency":"%s","role":"%s"}' \
		"$sep" "$user" "$password" "$secret" "$agency" "$role" >>"$work/accounts.json"
	sep=","
done <<ACCOUNTS
ngo_cw ngo caseworker
ngo_new ngo caseworker
mia_officer mia_ctd officer
ssa_cw ssa_assistance_center caseworker
sea_cw state_employment_agency caseworker
shelter_cw mia_shelter caseworker
coord national_coordinator coordinator
analyst ngo analyst
admin ngo admin
auditor ngo auditor
ACCOUNTS
printf '}\n' >>"$work/accounts.json"

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$haven" serve --db "$db" --listen "127.0.0.1:$port" --quiet 2>"$work/serve.log" &
server=$!
i=0
until node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$port/healthz"; do
	i=$((i + 1))
	if [ $i -ge 100 ] || ! kill -0 "$server" 2>/dev/null; then
		cat "$work/serve.log" >&2
		echo "browser tests: haven serve did not start" >&2
		exit 1
	fi
	sleep 0.1
done

mkdir -p "$shots"
rm -f "$shots"/*.png
status=0
(cd "$here" && HAVEN_URL="http://127.0.0.1:$port" HAVEN_ACCOUNTS="$work/accounts.json" \
	HAVEN_SHOTS="$shots" node --test --test-concurrency=1 e2e.test.mjs) || status=$?
echo "browser tests: screenshots in $shots"
exit $status
