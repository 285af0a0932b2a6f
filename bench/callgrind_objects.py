# SPDX-License-Identifier: GPL-2.0-or-later
# Reads callgrind.out files and sums the self instruction count (Ir) of every object file.
"""Self cost per object file from callgrind output (stdlib only).

    python3 bench/callgrind_objects.py FILE [FILE...] [--match SUBSTRING ...] [--event Ir]

prints {"total": N, "objects": {"/usr/lib/.../libfoo.so": n, ...}, "matched": m}: the event
total of the run (from "totals:"/"summary:"), the SELF cost of each object (the costs of
calls made from it are not its own), and the sum over objects whose path contains any
SUBSTRING. Several files (e.g. one per thread) are added up.

Format: https://valgrind.org/docs/manual/cl-format.html. What matters here:
- "positions:" says how many position columns start a cost line (default one, "line");
  "events:" names the cost columns after them; missing trailing costs are zero.
- "ob=" sets the object of the following cost lines; "cob=" only names a callee's object.
- "ob=(3) name" defines id 3 for an object name, "ob=(3)" reuses it; ob= and cob= share ids.
- The cost line right after "calls=" is the INCLUSIVE cost of that call: skipped here.
- Position columns may be absolute ("12", "0x4a"), relative ("+3", "-2") or "*" (same).
"""

import argparse
import json
import sys

UNKNOWN_OBJECT = "???"   # callgrind's own name for code without an object file


class CallgrindFormatError(ValueError):
    """The file is not callgrind output this parser understands."""


def _number(text):
    return int(text, 16) if text.startswith(("0x", "0X")) else int(text)


def _compressed_name(value, names):
    """Resolve "(id) name" (defines id), "(id)" (reuses it) or a plain "name"."""
    if value.startswith("("):
        close = value.find(")")
        if close < 0:
            raise CallgrindFormatError("bad compressed name %r" % value)
        key = value[1:close]
        rest = value[close + 1:].strip()
        if rest:
            names[key] = rest
            return rest
        if key not in names:
            raise CallgrindFormatError("name id (%s) used before its definition" % key)
        return names[key]
    return value.strip()


def parse(path, event="Ir"):
    """Return (total, {object: self cost}, summed_self) for one callgrind output file.

    total is the "totals:" line (summed over parts) or else the "summary:" line for `event`;
    summed_self is the sum of all self costs (equals total for consistent files)."""
    positions = 1
    index = None          # column of `event` among the costs
    events = None
    object_ids = {}
    current = UNKNOWN_OBJECT
    objects = {}
    skip_next_cost = False
    totals = []
    summary = None
    current_cost = 0      # self cost of `current` since it was last flushed into `objects`

    def flush():
        if current_cost:
            objects[current] = objects.get(current, 0) + current_cost

    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for line in f:
            c = line[:1]
            if c.isdigit() or c in "+-*":
                # A cost line: position columns, then costs in "events:" order.
                if skip_next_cost:
                    skip_next_cost = False
                    continue
                if index is None:
                    raise CallgrindFormatError("cost line before the events: header")
                cols = line.split()
                if len(cols) > positions + index:
                    current_cost += int(cols[positions + index])
                continue
            if not line.strip() or c == "#":
                continue
            if line.startswith("ob="):
                flush()
                current_cost = 0
                current = _compressed_name(line[3:].rstrip("\n"), object_ids)
            elif line.startswith("cob="):
                # Defines an id too, but the callee's object is not ours: no cost moves.
                _compressed_name(line[4:].rstrip("\n"), object_ids)
            elif line.startswith("calls="):
                skip_next_cost = True
            elif line.startswith("positions:"):
                positions = len(line.split(":", 1)[1].split())
            elif line.startswith("events:"):
                events = line.split(":", 1)[1].split()
                if event not in events:
                    raise CallgrindFormatError("event %s not in %s" % (event, events))
                index = events.index(event)
            elif line.startswith("totals:") or line.startswith("summary:"):
                if index is None:
                    raise CallgrindFormatError("%s before the events: header" % line.split(":")[0])
                cols = line.split(":", 1)[1].split()
                value = int(cols[index]) if len(cols) > index else 0
                if line.startswith("totals:"):
                    totals.append(value)
                else:
                    summary = value
            # Every other line (fn=, fl=, fi=, fe=, cfn=, cfi=, jump=, jcnd=, headers) leaves
            # the object and the cost columns alone.
    flush()
    summed = sum(objects.values())
    if events is None:
        raise CallgrindFormatError("%s: no events: header (not callgrind output?)" % path)
    if totals:
        total = sum(totals)
    elif summary is not None:
        total = summary
    else:
        total = summed
    return total, objects, summed


def object_costs(path, event="Ir"):
    """(total, {object path: self cost}) of one callgrind output file."""
    total, objects, _ = parse(path, event)
    return total, objects


def matched_cost(objects, substrings):
    """Sum of the costs of the objects whose path contains any of the substrings."""
    return sum(n for name, n in objects.items() if any(s in name for s in substrings))


def main(argv=None):
    ap = argparse.ArgumentParser(description="Self cost per object file from callgrind output")
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--match", nargs="*", default=[], metavar="SUBSTRING",
                    help="also print the summed cost of objects whose path contains one")
    ap.add_argument("--event", default="Ir", help="event column to count (default Ir)")
    args = ap.parse_args(argv)
    total, objects = 0, {}
    try:
        for path in args.files:
            t, objs = object_costs(path, args.event)
            total += t
            for name, n in objs.items():
                objects[name] = objects.get(name, 0) + n
    except (OSError, CallgrindFormatError, ValueError) as e:
        print("callgrind_objects: %s" % e, file=sys.stderr)
        return 1
    ordered = dict(sorted(objects.items(), key=lambda kv: -kv[1]))
    print(json.dumps({"total": total, "objects": ordered,
                      "matched": matched_cost(objects, args.match)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
