#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer binary on a scratch copy of its committed corpus (the repository corpus is
# never written by CI), for the time given in its arguments. Usage: run-fuzzer.sh BIN CORPUS ARGS
set -eu
bin=$1; corpus=$2; shift 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$corpus"/. "$scratch"/ 2>/dev/null || true
exec "$bin" "$scratch" "$@" -artifact_prefix="${LYRE_FUZZ_ARTIFACTS:-$scratch/}"
