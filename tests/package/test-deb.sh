#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package end to end, from the committed tree (Debian 12, as root):
#   1. git archive HEAD into a temporary directory, dpkg-buildpackage -us -uc -b there
#      (DEB_BUILD_OPTIONS=nocheck: the unit and session suites run in CI's own build),
#   2. lintian on the .changes (.deb and .buildinfo): no E: or W: that is not overridden,
#   3. apt-get install ./purple-lyre_*.deb, the files where libpurple looks for them,
#      appstreamcli validate --no-net on the installed metainfo,
#   4. tests/package/test_installed.py: a plain finch (system plugin directory, no build tree)
#      maps the installed liblyre.so and signs in to a private Prosody; the installed French
#      catalogue translates,
#   5. apt-get remove, then purge: every file of the package is gone.
# The package is always removed on exit (a system-wide liblyre.so would be probed next to a
# build tree's by the integration tests), and the temporary directory with it.
#
#   tests/package/test-deb.sh [--keep]      (or: meson test -C BUILD --suite package)
#
# --keep keeps the temporary directory (the .deb, the build and lintian logs) and prints it.
# Not root: exit 77 (skipped). A plain `meson test` leaves the suite 'package' out
# (tests/package/meson.build); scripts/run-tests runs it in a phase of its own, last.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KEEP=0
for arg in "$@"; do
  case $arg in
    --keep) KEEP=1 ;;
    *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
  esac
done
if [[ $EUID -ne 0 ]]; then
  echo "skipped: apt-get install needs root"
  exit 77
fi

BUILD_TIMEOUT=900     # dpkg-buildpackage (nocheck): about a minute on 2 cores
LINTIAN_TIMEOUT=300
APT_TIMEOUT=300
FINCH_TIMEOUT=240     # test_installed.py bounds each wait itself (60 s)

# A plain environment for the build and for finch: meson test sets MALLOC_PERTURB_ (and the
# sanitizers' options) for its tests.
unset MALLOC_PERTURB_ ASAN_OPTIONS UBSAN_OPTIONS MSAN_OPTIONS LSAN_OPTIONS G_DEBUG G_SLICE

STARTED=$SECONDS
step() { printf '== [%3d s] %s\n' $((SECONDS - STARTED)) "$*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

for tool in git dpkg-buildpackage dh lintian appstreamcli apt-get finch tmux prosody; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/run-tests installs it)"
done

tmp=$(mktemp -d /tmp/lyre-deb.XXXXXX)
chmod 755 "$tmp" # apt's _apt user reads the .deb from here
INSTALLED=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if ((INSTALLED)) && dpkg-query -W -f='${Status}' purple-lyre 2>/dev/null | grep -qv 'not-installed'; then
    echo "== cleanup: purging purple-lyre"
    DEBIAN_FRONTEND=noninteractive timeout "$APT_TIMEOUT" apt-get purge -y -q purple-lyre \
      >/dev/null 2>&1 || dpkg --purge purple-lyre >/dev/null 2>&1 || echo "cleanup: purple-lyre could not be purged" >&2
  fi
  if ((KEEP)); then
    echo "kept: $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- 1. build from the committed tree --------------------------------------------------------
git -C "$REPO" rev-parse -q --verify HEAD >/dev/null \
  || fail "$REPO is not a git checkout with a commit: the package is built from git archive HEAD"
if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  echo "note: uncommitted changes in $REPO are not in the package (it is built from HEAD)"
fi
version=$(dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version)
src=$tmp/purple-lyre-$version
step "git archive HEAD ($(git -C "$REPO" rev-parse --short HEAD)) into $src"
mkdir "$src"
git -C "$REPO" archive --format=tar HEAD | tar -x -C "$src"
[[ -x $src/debian/rules ]] || fail "debian/rules is not in the committed tree (or not executable)"

step "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=nocheck), log in $tmp/build.log"
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
        timeout "$BUILD_TIMEOUT" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
  tail -n 60 "$tmp/build.log"
  fail "dpkg-buildpackage failed (last lines above)"
fi
arch=$(dpkg --print-architecture)
deb=$tmp/purple-lyre_${version}_$arch.deb
changes=$tmp/purple-lyre_${version}_$arch.changes
[[ -f $deb && -f $changes ]] || fail "no $deb or $changes after the build: $(ls "$tmp")"
ls -l "$tmp"/*.deb

# ---- 2. lintian ----------------------------------------------------------------------------------
step "lintian $(basename "$changes")"
lintian_rc=0
timeout "$LINTIAN_TIMEOUT" lintian --fail-on error,warning "$changes" >"$tmp/lintian.log" 2>&1 \
  || lintian_rc=$?
cat "$tmp/lintian.log"
if ((lintian_rc != 0)) || grep -q '^[EW]: ' "$tmp/lintian.log"; then
  fail "lintian reported errors or warnings (exit $lintian_rc)"
fi

# ---- what the .deb says about itself --------------------------------------------------------------
step "control fields and contents"
dpkg-deb -f "$deb" Package Version Architecture Depends Enhances
[[ $(dpkg-deb -f "$deb" Package) == purple-lyre ]] || fail "the package is not named purple-lyre"
dpkg-deb -f "$deb" Depends | grep -Eq '(^|, )libpurple0( |,|$)' || fail "Depends lacks libpurple0"
enhances=$(dpkg-deb -f "$deb" Enhances) # dpkg sorts the list: "finch, pidgin"
for ui in pidgin finch; do
  grep -Eq "(^|, )$ui(,|$)" <<<"$enhances" || fail "Enhances ($enhances) lacks $ui"
done
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
PLUGIN=/usr/lib/$multiarch/purple-2/liblyre.so # libpurple's LIBDIR: where finch and pidgin look
EXPECTED=(
  "$PLUGIN"
  /usr/share/pixmaps/pidgin/protocols/16/lyre.png
  /usr/share/pixmaps/pidgin/protocols/22/lyre.png
  /usr/share/pixmaps/pidgin/protocols/48/lyre.png
  /usr/share/pixmaps/pidgin/protocols/scalable/lyre.svg
  /usr/share/locale/fr/LC_MESSAGES/purple-lyre.mo
  /usr/share/metainfo/org.lyre.Lyre.metainfo.xml
  /usr/share/doc/purple-lyre/copyright
)
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in "${EXPECTED[@]}"; do
  grep -qx -- "$f" <<<"$contents" || fail "$f is not in the package"
done

# ---- 3. install ---------------------------------------------------------------------------------
step "apt-get install $(basename "$deb")"
INSTALLED=1
if ! (cd "$tmp" && DEBIAN_FRONTEND=noninteractive timeout "$APT_TIMEOUT" \
        apt-get install -y -q --no-install-recommends "./$(basename "$deb")") >"$tmp/apt.log" 2>&1; then
  cat "$tmp/apt.log"
  fail "apt-get install failed"
fi
tail -n 3 "$tmp/apt.log"
dpkg-query -W -f='${Status} ${Version}\n' purple-lyre | grep -q "^install ok installed $version\$" \
  || fail "dpkg does not list purple-lyre $version as installed"
for f in "${EXPECTED[@]}"; do
  [[ -f $f ]] || fail "$f is missing after the install"
done
if command -v pkg-config >/dev/null && pkg-config --exists purple; then
  [[ $(pkg-config purple --variable=plugindir)/liblyre.so == "$PLUGIN" ]] \
    || fail "$PLUGIN is not in pkg-config's plugindir $(pkg-config purple --variable=plugindir)"
fi

step "appstreamcli validate --no-net (installed metainfo)"
timeout 60 appstreamcli validate --no-net /usr/share/metainfo/org.lyre.Lyre.metainfo.xml \
  || fail "appstreamcli validate failed on the installed metainfo"

# ---- 4. a plain finch signs in with the installed plugin -----------------------------------------
step "plain finch with the installed plugin against a private Prosody"
if ! PYTHONDONTWRITEBYTECODE=1 timeout "$FINCH_TIMEOUT" \
    /usr/bin/python3 "$src/tests/package/test_installed.py" "$PLUGIN" --po "$src/po/fr.po"; then
  fail "the installed plugin did not sign in from finch (see above)"
fi

# ---- 5. remove and purge ------------------------------------------------------------------------
step "apt-get remove purple-lyre"
files=$(dpkg-query -L purple-lyre | while read -r f; do if [[ -f $f || -L $f ]]; then echo "$f"; fi; done)
DEBIAN_FRONTEND=noninteractive timeout "$APT_TIMEOUT" apt-get remove -y -q purple-lyre \
  >"$tmp/remove.log" 2>&1 || { cat "$tmp/remove.log"; fail "apt-get remove failed"; }
[[ ! -e $PLUGIN ]] || fail "$PLUGIN is still there after apt-get remove"
# The package has no conffiles: remove leaves none of its files behind.
left=$(while read -r f; do if [[ -n $f && -e $f ]]; then echo "$f"; fi; done <<<"$files")
[[ -z $left ]] || fail "files left after apt-get remove: $left"
# Without conffiles dpkg forgets the package at remove: purge only what dpkg still knows.
status=$(dpkg-query -W -f='${Status}' purple-lyre 2>/dev/null || true)
if [[ -n $status && $status != *not-installed* ]]; then
  step "apt-get purge purple-lyre ($status)"
  DEBIAN_FRONTEND=noninteractive timeout "$APT_TIMEOUT" apt-get purge -y -q purple-lyre \
    >>"$tmp/remove.log" 2>&1 || { cat "$tmp/remove.log"; fail "apt-get purge failed"; }
  status=$(dpkg-query -W -f='${Status}' purple-lyre 2>/dev/null || true)
else
  step "nothing to purge: dpkg no longer knows purple-lyre"
fi
[[ -z $status || $status == *not-installed* ]] || fail "purple-lyre is still known to dpkg: $status"
INSTALLED=0

step "PASS: built, lint-clean, installed, signed in from finch, removed"
