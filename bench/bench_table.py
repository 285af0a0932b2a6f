# SPDX-License-Identifier: GPL-2.0-or-later
# bench/run-bench's table: medians per plugin, Lyre/prpl-jabber ratios, the budget.
"""rows(results, sizes, messages, archived, memory_messages, room) -> list of row dicts;
render(rows, machine, args) -> text. A row whose prpl-jabber figure is None is Lyre's alone
(prpl-jabber has no such feature); a row with "columns" compares Lyre with something else
than prpl-jabber (raw libxml2, curl), named beside each figure."""

import statistics

LYRE, JABBER = "prpl-lyre", "prpl-jabber"
ROOM_RESPONSIVE_MS = 100  # a room's window answers within this while a join's traffic comes in


def _median(runs, key, scale=1.0):
    return statistics.median(r[key] for r in runs) * scale


def _row(name, unit, lyre, jabber, target=None, lower_is_better=True, fmt="%.3f"):
    ratio = lyre / jabber if jabber else None
    holds = None
    if target is not None and ratio is not None:
        holds = ratio <= target if lower_is_better else ratio >= target
    return {"scenario": name, "unit": unit, "lyre": lyre, "jabber": jabber, "ratio": ratio,
            "target": (("≤ " if lower_is_better else "≥ ") + "%g" % target) if target else "",
            "holds": holds, "fmt": fmt}


def _absolute(row, limit, unit):
    """A budget on Lyre's own figure (not a ratio): Lyre ≤ limit."""
    row["ratio"] = None
    row["target"] = "Lyre ≤ %g %s" % (limit, unit)
    row["holds"] = row["lyre"] <= limit
    return row


def room_rows(runs, occupants, history):
    """The group-chat join: runs = {plugin: [room_join results]}."""
    lyre, jab = runs[LYRE], runs[JABBER]
    label = "join a room of %d occupants with %d messages of history" % (occupants, history)
    out = [
        _row(label + ": client CPU until joined and the history shown", "s",
             _median(lyre, "cpu_s"), _median(jab, "cpu_s"), 0.5),
        _row("room join: wall time to joined (every occupant listed)", "s",
             _median(lyre, "joined_s"), _median(jab, "joined_s")),
        _row("room join: wall time until the history is shown", "s",
             _median(lyre, "wall_s"), _median(jab, "wall_s")),
        _row("room join: peak RSS", "MiB", _median(lyre, "rss_mib"), _median(jab, "rss_mib"),
             fmt="%.1f"),
        _absolute(_row("room join: longest main-loop stall while the presences and history "
                       "come in", "ms", _median(lyre, "stall_ms"), _median(jab, "stall_ms"),
                       fmt="%.1f"), ROOM_RESPONSIVE_MS, "ms"),
        # The same turns by the CPU they used: what the client did itself, whatever else the
        # machine ran meanwhile.
        _row("room join: the most CPU one main-loop turn used", "ms",
             _median(lyre, "busy_ms"), _median(jab, "busy_ms"), fmt="%.1f"),
    ]
    if all("probe_ms" in r for r in lyre + jab):
        # Shown as it came: 0 (within the millisecond the echo is timed to) is a figure.
        row = _row("room join: a message said as we enter, from its arrival to its line", "ms",
                   _median(lyre, "probe_ms"), _median(jab, "probe_ms"), fmt="%.1f")
        row["ratio"], row["may_be_zero"] = None, True
        out.append(row)
    return out


SERVER_NAMES = {"prosody": "Prosody", "ejabberd": "ejabberd"}
UPLOAD_RATIO = 0.8  # Lyre's upload throughput, at least this of curl's


def upload_rows(runs):
    """The upload against curl -T: runs = bench_upload.upload_runs()'s result. A figure is
    the median of the runs that completed; a run that did not is named in the scenario."""
    done = {who: [r for r in runs[who] if "failed" not in r] for who in ("lyre", "curl")}
    label = ("upload of a %.0f MB file to %s's upload service, HTTPS on loopback (XEP-0363 "
             "PUT; Lyre from Send File to complete, curl -T's PUT alone): throughput"
             % (runs["bytes"] / 1e6, SERVER_NAMES.get(runs["server"], runs["server"])))
    lost = ["%s %d of %d" % (name, len(runs[who]) - len(done[who]), len(runs[who]))
            for who, name in (("lyre", "Lyre"), ("curl", "curl"))
            if len(done[who]) < len(runs[who])]
    if lost:
        label += " (runs that did not complete: %s)" % ", ".join(lost)

    def pair(key):
        # 0 when no run completed: "no figure" for run-bench's check, not a Lyre-only row.
        return tuple(_median(done[who], key) if done[who] else 0.0 for who in ("lyre", "curl"))

    out = []
    for name, unit, key, target, fmt in ((label, "MB/s", "mb_s", UPLOAD_RATIO, "%.1f"),
                                         ("upload: client CPU", "s", "cpu_s", None, "%.2f"),
                                         ("upload: wall time", "s", "wall_s", None, "%.2f")):
        lyre, curl = pair(key)
        row = _row(name, unit, lyre, curl, target, lower_is_better=key != "mb_s", fmt=fmt)
        if not (lyre and curl):
            row["ratio"] = row["holds"] = None
        row["columns"] = ("Lyre", "curl")
        out.append(row)
    return out


def rows(results, sizes, messages, archived=None, memory_messages=None, room=None):
    out = []
    s = results["signin"]
    biggest = max(sizes)
    for n in sizes:
        budget = n == biggest
        cold = {p: s[(p, n, "cold")] for p in (LYRE, JABBER)}
        warm = {p: s[(p, n, "warm")] for p in (LYRE, JABBER)}
        out.append(_row("sign-in, %d contacts: client CPU" % n, "s",
                        _median(cold[LYRE], "cpu_s"), _median(cold[JABBER], "cpu_s"),
                        0.5 if budget else None))
        out.append(_row("sign-in, %d contacts: wall time to full buddy list" % n, "s",
                        _median(cold[LYRE], "wall_s"), _median(cold[JABBER], "wall_s"),
                        0.5 if budget else None))
        out.append(_row("sign-in, %d contacts: peak RSS" % n, "MiB",
                        _median(cold[LYRE], "rss_mib"), _median(cold[JABBER], "rss_mib"),
                        0.9 if budget else None, fmt="%.1f"))
        out.append(_row("repeat sign-in, %d contacts, unchanged roster: client CPU" % n, "s",
                        _median(warm[LYRE], "cpu_s"), _median(warm[JABBER], "cpu_s"),
                        0.1 if budget else None))
        out.append(_row("repeat sign-in, %d contacts: wall time" % n, "s",
                        _median(warm[LYRE], "wall_s"), _median(warm[JABBER], "wall_s")))
    if len(sizes) > 1:
        lo, hi = min(sizes), biggest
        limit = 1.1 * hi / lo  # linear, with 10 % slack: 2.2 for 5,000 -> 10,000
        growth = {p: _median(s[(p, hi, "cold")], "cpu_s") / _median(s[(p, lo, "cold")], "cpu_s")
                  for p in (LYRE, JABBER)}
        row = _row("growth %d -> %d contacts: sign-in CPU cost ratio" % (lo, hi), "x",
                   growth[LYRE], growth[JABBER], fmt="%.2f")
        row["ratio"] = None
        row["target"] = "Lyre ≤ %.1f" % limit
        row["holds"] = growth[LYRE] <= limit
        out.append(row)
    w = results.get("warm_server")
    if w:
        label = "sign-in right after a previous session (warm server), %d contacts" % biggest
        out.append(_row(label + ": client CPU until the list settles", "s",
                        _median(w[LYRE], "settle_cpu_s"), _median(w[JABBER], "settle_cpu_s"),
                        1.0))
        out.append(_row(label + ": time to signed-on", "s", _median(w[LYRE], "wall_s"),
                        _median(w[JABBER], "wall_s"), 1.0))
        out.append(_row(label + ": time until the buddy list stops changing", "s",
                        _median(w[LYRE], "settle_s"), _median(w[JABBER], "settle_s"), 1.0))
    m = results["messages"]
    us = 1e6 / messages
    out.append(_row("receive %d messages: client CPU per message" % messages, "µs",
                    _median(m[(LYRE, "receive")], "cpu_s", us),
                    _median(m[(JABBER, "receive")], "cpu_s", us), 0.6, fmt="%.2f"))
    out.append(_row("receive: drain wall time per message", "µs",
                    _median(m[(LYRE, "receive")], "wall_s", us),
                    _median(m[(JABBER, "receive")], "wall_s", us), fmt="%.2f"))
    out.append(_row("send %d messages: client CPU per message" % messages, "µs",
                    _median(m[(LYRE, "send")], "cpu_s", us),
                    _median(m[(JABBER, "send")], "cpu_s", us), 0.4, fmt="%.2f"))
    out.append(_row("send: end-to-end time to the peer", "s",
                    _median(m[(LYRE, "send")], "e2e_s"), _median(m[(JABBER, "send")], "e2e_s"),
                    fmt="%.2f"))
    mem = results.get("memory")
    if mem:
        out.append(_row("RSS growth while receiving %d messages" % memory_messages, "MiB",
                        _median(mem[LYRE], "growth_mib"), _median(mem[JABBER], "growth_mib"),
                        1.0, fmt="%.1f"))
    c = results.get("catch_up")
    if c:
        out.append(_row("archive catch-up, %d messages: time from sign-in start" % archived, "s",
                        _median(c, "wall_s"), None, fmt="%.2f"))
        out.append(_row("archive catch-up: client CPU per message", "µs",
                        _median(c, "cpu_s", 1e6 / archived), None, fmt="%.1f"))
        out.append(_row("archive catch-up: peak RSS", "MiB", _median(c, "rss_mib"), None,
                        fmt="%.1f"))
    if results.get("room") and room is not None:
        out += room_rows(results["room"], *room)
    if results.get("upload"):
        out += upload_rows(results["upload"])
    x = results["xml"]
    row = _row("XML layer vs raw libxml2 SAX (%.1f MB stream)" % (x["bytes"] / 1e6), "MB/s",
               x["lyre_mb_s"], x["raw_mb_s"], 0.7, lower_is_better=False, fmt="%.1f")
    row["columns"] = ("Lyre", "raw")  # libxml2
    out.append(row)
    cg = results.get("callgrind")
    if cg:
        for scen, label, per in (("signin", "callgrind sign-in, %d contacts" % biggest, 1),
                                 ("receive", "callgrind receive, per message", messages)):
            if scen == "receive":
                per = cg.get("receive_count", per)
            lt, lp = cg[(LYRE, scen)]
            jt, jp = cg[(JABBER, scen)]
            out.append(_row(label + ": instructions, total", "Ir", lt / per, jt / per,
                            fmt="%.0f"))
            out.append(_row(label + ": instructions in the plugin", "Ir", lp / per, jp / per,
                            0.6 if scen == "receive" else 1.0, fmt="%.0f"))
    return out


def render(table, machine, args):
    lines = []
    lines.append("Lyre vs prpl-jabber — %s" % machine["command"])
    v = machine["versions"]
    # ejabberd and curl: the upload row's (machine info written before they were there has none).
    upload = (", ejabberd %s, curl %s" % (v["ejabberd"], v.get("curl", "?"))
              if "ejabberd" in v else "")
    lines.append("machine: %s, %s cores, Linux %s; libpurple %s, Prosody %s, libxml2 %s, "
                 "GnuTLS %s%s; %.1f minutes"
                 % (machine["cpu"], machine["cores"], machine["kernel"], v["libpurple0"],
                    v["prosody"], v["libxml2"], v["libgnutls30"], upload, machine["minutes"]))
    lines.append("medians of %d run(s) per plugin, run alternately%s"
                 % (args.repeat, "; SMOKE RUN: sizes too small to judge" if args.smoke else ""))
    lines.append("")
    lines.append("| scenario | unit | Lyre | prpl-jabber | ratio | target | holds |")
    lines.append("| --- | --- | ---: | ---: | ---: | --- | --- |")
    for r in table:
        fmt = r["fmt"]
        lyre = fmt % r["lyre"]
        jab = fmt % r["jabber"] if r["jabber"] is not None else "n/a"
        if "columns" in r:
            lyre, jab = "%s (%s)" % (lyre, r["columns"][0]), "%s (%s)" % (jab, r["columns"][1])
        ratio = "%.2f" % r["ratio"] if r["ratio"] is not None else ""
        holds = "" if r["holds"] is None else ("yes" if r["holds"] else "NO")
        if args.smoke and holds:
            holds = "(smoke)"
        lines.append("| %s | %s | %s | %s | %s | %s | %s |"
                     % (r["scenario"], r["unit"], lyre, jab, ratio, r["target"], holds))
    return "\n".join(lines)
