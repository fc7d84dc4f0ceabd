#!/usr/bin/env bash
# The Debian package as a user gets it (issue #22, docs/install.md): lintian, then dpkg -i on
# this machine, the installed gpubill run against the fake cloud (make demo's whole output,
# byte for byte as fixtures/golden/demo.txt), its man page, its bash completion in a new bash,
# then dpkg -r and nothing left behind. Needs root (CI is root; `make deb-check` uses sudo).
# Usage: tests/deb_check.sh RELEASE_DIR   (after `make deb`, with RELEASE_DIR's fake cloud built)
set -euo pipefail
cd "$(dirname "$0")/.."
release=${1:?usage: deb_check.sh RELEASE_DIR}
shopt -s nullglob
debs=(gpubill_*.deb)
[ ${#debs[@]} = 1 ] || { echo "deb_check: want one gpubill_*.deb here (make deb), found ${#debs[@]}" >&2; exit 1; }
deb=${debs[0]}
fail() { echo "deb_check: $*" >&2; exit 1; }

echo "deb_check: $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb" | awk '{print $1, $6}'
# The binary in the package is stripped (no .symtab, no .debug_*).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/x"
if readelf -S "$tmp/x/usr/bin/gpubill" | grep -qE '\.symtab|\.debug_'; then fail "usr/bin/gpubill is not stripped"; fi
dpkg-deb -f "$deb" Depends | grep -q 'libcurl4' || fail "Depends lacks libcurl4 (loaded with dlopen)"
dpkg-deb -f "$deb" Recommends | grep -q 'libpq5' || fail "Recommends lacks libpq5 (loaded with dlopen)"

# lintian: errors and warnings fail; what it says at lower levels is printed (docs/install.md
# explains each remaining tag).
lintian --fail-on error,warning --display-level ">=info" --tag-display-limit 0 "$deb" || fail "lintian failed"
echo "deb_check: lintian passed"

if dpkg-query -W -f='${Status}' gpubill 2>/dev/null | grep -q "install ok installed"; then
  fail "gpubill is already installed here: remove it first (dpkg -r gpubill)"
fi
dpkg -i "$deb"
trap 'dpkg -r gpubill >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

[ "$(command -v gpubill)" = /usr/bin/gpubill ] || fail "gpubill is not /usr/bin/gpubill on PATH"
gpubill --version
gpubill --help | tr '\n' ' ' | grep -q "Docs: man gpubill, /usr/share/doc/gpubill/cli.md" ||
  fail "the installed help does not point to the installed docs"
# man: the page is where man looks, and reads clean.
[ -f /usr/share/man/man1/gpubill.1.gz ] || fail "no /usr/share/man/man1/gpubill.1.gz"
zcat /usr/share/man/man1/gpubill.1.gz | mandoc -T lint -W warning
if command -v man >/dev/null; then
  [ "$(man -w gpubill)" = /usr/share/man/man1/gpubill.1.gz ] || fail "man -w gpubill: $(man -w gpubill)"
fi
zcat /usr/share/man/man1/gpubill.1.gz | mandoc -T ascii | col -b | grep -q "EXIT STATUS" || fail "the man page has no EXIT STATUS"
# A new interactive bash, with the .bashrc Debian gives every new user (/etc/skel: it loads
# bash-completion), loads the completion on demand through bash-completion's loader.
cp /etc/skel/.bashrc "$tmp/.bashrc"
got=$(HOME="$tmp" bash -i -c 'COMP_WORDS=(gpubill run); COMP_CWORD=1; _completion_loader gpubill 2>/dev/null
  complete -p gpubill >/dev/null && _gpubill && echo "${COMPREPLY[*]}"' 2>/dev/null)
[ "$got" = runpod ] || fail "bash completion of 'gpubill run' gave '$got', not 'runpod'"
[ -f /usr/share/zsh/vendor-completions/_gpubill ] && [ -f /usr/share/fish/vendor_completions.d/gpubill.fish ] ||
  fail "zsh or fish completion missing"
[ -f /usr/share/doc/gpubill/copyright ] && [ -f /usr/share/doc/gpubill/changelog.Debian.gz ] ||
  fail "copyright or changelog missing"

# The installed binary against the fake cloud: make demo's output exactly.
GPUBILL=/usr/bin/gpubill tests/demo_golden.sh "$release"

dpkg -r gpubill
trap 'rm -rf "$tmp"' EXIT
[ ! -e /usr/bin/gpubill ] && [ ! -e /usr/share/man/man1/gpubill.1.gz ] || fail "dpkg -r left files behind"
echo "deb_check: installed, ran, removed: ok"
