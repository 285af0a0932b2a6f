#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks that a built liblyre.so exports exactly one symbol: purple_init_plugin.
set -eu
lib="$1"
syms=$(nm -D --defined-only "$lib" | awk '{ print $NF }' | sort -u)
if [ "$syms" != "purple_init_plugin" ]; then
  echo "unexpected exported symbols in $lib:" >&2
  echo "$syms" >&2
  exit 1
fi
echo "only purple_init_plugin is exported"
