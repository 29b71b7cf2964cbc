# shellcheck shell=bash
# shellcheck disable=SC2154 # SCRIPT_NAME, BIN, LOGS, TOOLCHAIN_DIR (and PLUGINS) are the sourcing script's
# scripts/lib/go-build.sh — what scripts/toolchain.sh, scripts/cluster.sh and scripts/observability.sh share to build pinned
# binaries from the Go module proxy into a cache outside the work tree: steps with a log each and a
# one-line failure naming the step, the Go settings, module downloads, and the checks that tell
# whether a cached binary is the pinned one (so a re-run rebuilds only what is missing or different).
# scripts/actionlint.sh uses go_env only.
#
# Sourcing defines functions and nothing else (bash reads the whole file when sourcing it, so
# editing this file while a build is running cannot change what that run executes). The sourcing
# script sets, before calling them:
#   SCRIPT_NAME    toolchain | cluster | observability: the prefix of every line, and scripts/SCRIPT_NAME.sh is
#                  the file a failure tells to change a pin in
#   BIN            the cache's bin/: temporary binaries (.NAME.tmp) there are removed on failure,
#                  and so are PLUGINS/*.tmp where the script sets PLUGINS
#   LOGS           the directory of the step logs
#   TOOLCHAIN_DIR  the Pulumi toolchain's cache: its gomodcache/ is the module cache of every build

# ------------------------------------------------------------------ steps and failures

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }

# init_steps FIX — before the first step: FIX is what a failure outside any step suggests. Keeps
# the script's stderr on fd 9, so a failure inside a function whose output goes to a step log
# (run kc ...) still reaches the terminal, and turns any unexpected failure into one line.
init_steps() {
	STEP="starting"
	STEP_LOG=""
	STEP_FIX="$1"
	RERUN_HINT="$1"
	exec 9>&2
	trap on_error ERR
}

# die CAUSE FIX — the one line a failure prints; exit status 3 tells enclosing shells
# (subshells, command substitutions) that the line has been printed already.
die() {
	trap - ERR
	rm -f "$BIN"/.*.tmp ${PLUGINS:+"$PLUGINS"/*.tmp} 2>/dev/null || true
	printf '%s: %s — %s\n' "$SCRIPT_NAME" "$1" "$2" >&9
	exit 3
}

# Any unexpected failure: name the step, the last error line of its log, and the fix.
# shellcheck disable=SC2317 # invoked through the ERR trap
on_error() {
	local rc=$?
	if ((rc == 3)); then
		trap - ERR
		exit 3
	fi
	local cause="$STEP failed"
	if [[ -n "$STEP_LOG" && -s "$STEP_LOG" ]]; then
		local last
		# Prefer a real error line over stack frames and download chatter.
		last="$(grep -vE '^go: downloading|^[[:space:]]|^goroutine |^[^ ]+\(.*\)$' "$STEP_LOG" |
			grep -E '^(panic|fatal|error)|[Ee]rror:|ERROR|403|Forbidden|not available|cannot |no such file|undefined:|failed' | tail -n 1 || true)"
		[[ -z "$last" ]] && last="$(grep -v '^go: downloading' "$STEP_LOG" | tail -n 1 || true)"
		cause="$cause: ${last:0:300} (log: $STEP_LOG)"
	fi
	die "$cause" "$STEP_FIX"
}

# step NAME FIX — start a step; its commands append to LOGS/NAME.log.
step() {
	STEP="$1"
	STEP_FIX="$2"
	STEP_LOG="$LOGS/$1.log"
	: >"$STEP_LOG"
}

# build_step NAME DIR MESSAGE — start building from the module proxy: the step NAME (its log, and
# the fix a failure suggests), MESSAGE on the terminal, and DIR emptied as the build's work directory.
build_step() {
	step "$1" "check the Go module proxy is reachable, then $RERUN_HINT"
	log "$3"
	rm -rf "$2" && mkdir -p "$2"
}

# run CMD... — run a command with output to the step log.
run() { "$@" >>"$STEP_LOG" 2>&1; }

# require_go [WHAT] — die unless `go` on PATH is Go ≥1.26 (WHAT: what needs it, for the message).
require_go() {
	command -v go >/dev/null 2>&1 || die "go not found" "install Go ≥1.26 (https://go.dev/dl) and put it on PATH"
	local version
	version="$(go env GOVERSION 2>/dev/null || true)"
	if [[ ! "$version" =~ ^go1\.([0-9]+) ]] || ((BASH_REMATCH[1] < 26)); then
		die "found ${version:-an unknown Go}, need Go ≥1.26${1:+ ($1)}" "install Go ≥1.26 (https://go.dev/dl) and put it first on PATH"
	fi
}

# ------------------------------------------------------------------------- Go settings

# go_env — what every Go command of ours runs with:
#  - GOPROXY: the module proxy only. No ",direct": VCS hosts are unreachable here, so a
#    fallback would only turn a clear proxy refusal into a long hang.
#  - GOTOOLCHAIN=local: never try to download another Go toolchain.
#  - GOWORK=off: ignore any go.work above the cache directory.
#  - GOMODCACHE: a module cache of our own inside the toolchain cache (made writable
#    with -modcacherw so `rm -rf` of the cache works), so cleaning ~/go/pkg/mod does
#    not break a build in progress, fresh clones reuse the downloads, and the modules the
#    toolchain and the cluster both need are downloaded once. The build cache (GOCACHE)
#    stays the default.
go_env() {
	export GOPROXY=https://proxy.golang.org
	export GOFLAGS='-modcacherw -buildvcs=false'
	export GOMODCACHE="$TOOLCHAIN_DIR/gomodcache"
	export GOTOOLCHAIN=local
	export GOWORK=off
	export CGO_ENABLED=0
}

# go_env_wrapper_modules — go_env for building from the wrapper modules we generate, plus:
#  - GOSUMDB=off (and GONOSUMDB='*'): sum.golang.org is unreachable, so checksum-database
#    verification cannot run; integrity rests on the proxy over TLS and on the go.sum
#    each wrapper module records (there is no GONOSUMCHECK in Go; GOSUMDB=off is the
#    switch).
#  - GOFLAGS=-mod=mod: the wrapper modules are generated without go.sum; let the go
#    command record requirements and checksums as it resolves them.
go_env_wrapper_modules() {
	go_env
	export GOSUMDB=off
	export GONOSUMDB='*'
	export GOFLAGS="-mod=mod $GOFLAGS"
}

# ------------------------------------------------------------------------------ modules

# modinfo MODULE VERSION FIELD — download a module version through the proxy and print
# FIELD (Dir: the extracted module, GoMod: its go.mod, Info: its .info) from `go mod download -json`.
modinfo() {
	local json val err
	json="$(go mod download -json "$1@$2" 2>>"$STEP_LOG")" || true
	val="$(sed -n "s/^[[:space:]]*\"$3\": \"\(.*\)\",\{0,1\}\$/\1/p" <<<"$json")"
	if [[ -z "$val" || ! -e "$val" ]]; then
		printf '%s\n' "$json" >>"$STEP_LOG"
		err="$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$json" | head -n 1 | sed 's/\\n\\t/ /g')"
		die "the Go module proxy did not serve $1@$2${err:+ ($err)}" \
			"check that https://proxy.golang.org is reachable; if it refuses this version, change the pin in scripts/$SCRIPT_NAME.sh"
	fi
	printf '%s\n' "$val"
}

# module_time MODULE VERSION — the version's commit time from the proxy's .info (RFC 3339),
# used as the build date (reproducible, unlike the time of the build).
module_time() {
	sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$(modinfo "$1" "$2" Info)"
}

# elapsed SECONDS — 7m05s
elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# copy_replaces MODULE VERSION WRAPPER_DIR — copy MODULE's non-local replace directives
# (read from the proxy's .mod) into the wrapper module, as its own build would apply them.
copy_replaces() {
	local gomod
	gomod="$(modinfo "$1" "$2" GoMod)"
	awk '
		/^replace[[:space:]]*\($/ { inblock = 1; next }
		inblock && /^\)/ { inblock = 0; next }
		/^replace[[:space:]]/ { sub(/^replace[[:space:]]+/, ""); print; next }
		inblock { print }
	' "$gomod" | sed 's://.*$::' | while read -r line; do
		[[ -z "$line" ]] && continue
		local lhs rhs old new newver
		lhs="${line%%=>*}"
		rhs="${line#*=>}"
		read -r old _ <<<"$lhs"
		read -r new newver _ <<<"$rhs"
		# Local paths (./x, ../x, /x) point into the upstream repository: not applicable.
		[[ -z "${newver:-}" || "$new" == .* || "$new" == /* ]] && continue
		(cd "$3" && go mod edit -replace="$old=$new@$newver")
		echo "replace $old => $new $newver (from $1)" >>"$STEP_LOG"
	done
}

# ------------------------------------------------------------- is this the pinned binary

# built_from BINARY MODULE@VERSION... — true if BINARY's Go build info (go version -m)
# lists every MODULE at exactly VERSION (for a replaced module, the replacement's version).
built_from() {
	local bin="$1" info mv
	shift
	[[ -x "$bin" ]] || return 1
	info="$(go version -m "$bin" 2>/dev/null)" || return 1
	for mv in "$@"; do
		awk -v m="${mv%@*}" -v v="${mv##*@}" '
			($1 == "mod" || $1 == "dep") && $2 == m && $3 == v { found = 1 }
			($1 == "dep") { dep = $2 }
			($1 == "=>") && dep == m && $2 == m && $3 == v { found = 1 }
			END { exit !found }' <<<"$info" || return 1
	done
}

# reports BINARY EXPECTED ARGS... — true if `BINARY ARGS...` prints EXPECTED as its first line.
reports() {
	local bin="$1" want="$2" got
	shift 2
	[[ -x "$bin" ]] || return 1
	got="$("$bin" "$@" 2>/dev/null | head -n 1)" || true
	[[ "$got" == "$want" ]]
}

# carries BINARY STRING — true if STRING (a version set with -ldflags -X) is in BINARY.
# (-trimpath keeps -ldflags out of the build info, so look in the binary itself.)
carries() { [[ -f "$1" ]] && grep -qaF -- "$2" "$1"; }

# install_bin TMP DEST — move a verified temporary binary into place.
install_bin() {
	chmod 0755 "$1"
	mv -f "$1" "$2"
}
