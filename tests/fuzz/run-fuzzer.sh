#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer binary on a scratch copy of its committed corpus (the repository corpus is
# never written by CI), for the time given in its arguments. Usage: run-fuzzer.sh BIN CORPUS ARGS
# LYRE_FUZZ_SECONDS, when set, replaces that time (libFuzzer takes the last -max_total_time).
# The fuzzer runs as a child, not through exec, so that the scratch copy is removed afterwards.
set -eu
bin=$1; corpus=$2; shift 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$corpus"/. "$scratch"/ 2>/dev/null || true
status=0
"$bin" "$scratch" "$@" ${LYRE_FUZZ_SECONDS:+-max_total_time=$LYRE_FUZZ_SECONDS} \
  -artifact_prefix="${LYRE_FUZZ_ARTIFACTS:-$scratch/}" || status=$?
exit $status
