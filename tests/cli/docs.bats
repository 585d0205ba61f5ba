#!/usr/bin/env bats
# Docs as data: generated files are fresh, every option a command accepts
# is in its man page (and the man page documents no option it lacks), and
# every man page renders without warnings.

load helpers

setup() {
	shopt -s nullglob
}

@test "generated docs are up to date (scripts/gen-docs --check)" {
	run "$CALLS_SRCDIR/scripts/gen-docs" --check
	echo "$output"
	[ "$status" -eq 0 ]
}

# Every command and subcommand: the binary's option table against the doc.
@test "every option in --help is in the man page and the reverse" {
	local checked=0 md name bin sub subs
	for md in "$CALLS_SRCDIR"/docs/man/calls-*.1.md; do
		name=$(basename "$md" .1.md)
		bin=$(command -v "$name") || { echo "$name not built"; return 1; }
		subs=$(sed -n '/^## COMMANDS/,/^## /s/^### \(.*\)/\1/p' "$md")
		for sub in "" $subs; do
			diff -u <("$CALLS_SRCDIR/scripts/gen-docs" --options "$name" $sub | sort -u) \
				<("$bin" $sub --list-options | sort -u) ||
				{ echo "options of '$name $sub' differ from $md (- doc, + binary)"; return 1; }
			checked=$((checked + 1))
		done
	done
	[ "$checked" -gt 0 ]
}

@test "--help output is the generated text" {
	local md name
	for md in "$CALLS_SRCDIR"/docs/man/calls-*.1.md; do
		name=$(basename "$md" .1.md)
		run "$name" --help
		[ "$status" -eq 0 ]
		[[ ${lines[0]} == "Usage: $name"* ]]
		[[ $output == *"Full documentation: man $name"* ]]
	done
}

@test "man pages render without warnings" {
	local page out
	for page in "$CALLS_SRCDIR"/docs/man/calls-*.1; do
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "$page: $out"; return 1; }
	done
}

@test "bash completions load and complete subcommands and options" {
	local f name
	for f in "$CALLS_SRCDIR"/completions/bash/calls-*; do
		name=$(basename "$f")
		run bash -c "source '$f'; COMP_WORDS=($name --ver); COMP_CWORD=1; _${name//-/_}; printf '%s\n' \"\${COMPREPLY[@]}\""
		[ "$status" -eq 0 ]
		[[ $output == *"--verbose"* ]] || [[ $output == *"--version"* ]]
	done
}

@test "zsh completions parse" {
	local f n=0
	for f in "$CALLS_SRCDIR"/completions/zsh/_calls-*; do
		zsh -n "$f" || { echo "$f does not parse"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
