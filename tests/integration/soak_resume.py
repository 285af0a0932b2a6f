#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The delivery soak: Lyre (the headless harness) and an independent peer (slixmpp) exchange
# numbered messages both ways through a loopback fault proxy in front of a real private server,
# while faults are injected one after another (reset, half-close, a truncated record, delay,
# one-way drop). At the end every message must have arrived exactly once and in order, both
# ways, and the account must never have been signed off. The CI-sized variant is
# test_resume.py; this is the long run (scripts/run-soak), bounded in count and time.
"""Usage: tests/integration/soak_resume.py [--faults 100] [--messages 200] [--server prosody]
                                          [--seed N] [--log FILE]
Needs LYRE_HARNESS and LYRE_PLUGIN_DIR (scripts/run-soak sets them). Exit 0 when nothing was
lost, doubled or reordered."""

import argparse
import os
import random
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fault_proxy import FaultProxy  # noqa: E402
from harness_client import Client  # noqa: E402
from peer_client import Peer, chat  # noqa: E402
from servers import make_server  # noqa: E402

FAULTS = ("rst", "fin", "truncate", "delay", "drop-up")
HOST = "example.test"
ALICE, CAROL = "alice@%s" % HOST, "carol@%s" % HOST


def inject(proxy, kind, rng):
    if kind in ("rst", "fin"):
        proxy.cut(kind)
    elif kind == "truncate":
        proxy.truncate_next(rng.randint(1, 40))
    elif kind == "delay":
        proxy.set_mode("delay", delay_s=rng.uniform(0.5, 3.0))
        time.sleep(rng.uniform(1.0, 3.0))
        proxy.set_mode("pass")
    elif kind == "drop-up":
        # What Lyre sends vanishes, the server's stanzas still come: the unanswered <r/> ends
        # the link (12 s), then a new connection, through a path that works again.
        proxy.set_mode("drop-up")
        time.sleep(rng.uniform(2.0, 4.0))
        proxy.cut("rst")
        proxy.set_mode("pass")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--faults", type=int, default=100)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--server", default=os.environ.get("LYRE_TEST_SERVER", "prosody"))
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--log", help="write the client's debug log here")
    args = ap.parse_args()
    os.environ["LYRE_TEST_SERVER"] = args.server
    rng = random.Random(args.seed)
    print("soak: %d faults, %d messages each way, %s, seed %d" % (args.faults, args.messages,
                                                                   args.server, args.seed))
    server = make_server(extra_modules=["offline"])
    server.start()
    proxy = None
    try:
        server.add_user("alice", "alice-secret")
        server.add_user("carol", "carol-secret")
        proxy = FaultProxy(server.c2s_port).start()
        # Spread the messages over the time the faults take (about 6 s each with the recovery,
        # bounded).
        duration = max(20.0, args.faults * 6.0)
        every = duration / args.messages
        commands = []
        for i in range(1, args.messages + 1):
            commands += ["im %s a-%d" % (CAROL, i), "wait %.2f" % every]
        # Time for the last fault's recovery and for what waited to arrive; bounded.
        commands += ["wait 90"]
        alice = Client(server, "alice", "alice-secret")
        settings = {"connect_server": "127.0.0.1", "port": proxy.port,
                    "connection_security": "require_tls", "lyre_ca_file": server.ca_file}
        result = {}

        def run():
            result["res"] = alice.run(settings=settings, stdin_text="\n".join(commands) + "\n",
                                      timeout=int(2 * duration) + 180, extra=("--debug",))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        if not server.bound(ALICE + "/harness", 0, timeout=30):
            print("soak: alice never signed in")
            return 2
        carol = Peer(server, CAROL + "/peer", "carol-secret",
                     [chat(ALICE, "c-%d" % i) for i in range(1, args.messages + 1)],
                     stay=2 * duration + 70, every=every)
        counts = {}
        started = time.monotonic()
        unrecovered = 0
        for n in range(args.faults):
            if time.monotonic() - started > duration:
                break  # bounded in time: no fault after the last message was sent
            # A fault hits a link that works: the client is back (a connection open a while)
            # before the next one, as after any real outage.
            if not proxy.wait_live(rng.uniform(0.5, 1.5), timeout=90):
                unrecovered += 1
            kind = rng.choice(FAULTS)
            counts[kind] = counts.get(kind, 0) + 1
            inject(proxy, kind, rng)
        proxy.wait_live(2.0, timeout=90)
        thread.join(timeout=int(2 * duration) + 300)
        carol.proc.terminate()  # it has seen what it will see: alice is done
        carol.finish(timeout=60)
        res = result.get("res")
        if res is None:
            print("soak: the harness did not finish")
            return 2
        if args.log:
            with open(args.log, "w") as f:
                f.write(res.stdout)
        got_a = carol.bodies_from(ALICE)
        got_c = [e["text"] for e in res.of("conv-write") if e.get("recv") and e["conv"] == CAROL]
        want_a = ["a-%d" % i for i in range(1, args.messages + 1)]
        want_c = ["c-%d" % i for i in range(1, args.messages + 1)]
        ok = True
        for what, got, want in (("alice -> carol", got_a, want_a), ("carol -> alice", got_c, want_c)):
            lost = [w for w in want if w not in got]
            doubled = sorted({g for g in got if got.count(g) > 1})
            reordered = [g for g in dict.fromkeys(got) if g in want] != [w for w in want if w in got]
            print("soak: %s: %d/%d arrived, %d lost, %d doubled, %s" % (
                what, len(set(got) & set(want)), len(want), len(lost), len(doubled),
                "reordered" if reordered else "in order"))
            ok = ok and not lost and not doubled and not reordered
        signed_off = res.has("disconnected")
        print("soak: faults injected: %s; resumed %d times, signed in anew %d times; %s" % (
            ", ".join("%s %d" % kv for kv in sorted(counts.items())),
            res.stdout.count("session resumed"), res.stdout.count("signed in anew"),
            "the account was signed off" if signed_off else "never signed off"))
        if unrecovered:
            print("soak: %d fault(s) came before the client was back (after 90 s)" % unrecovered)
        ok = ok and not signed_off
        if proxy.errors:
            print("soak: fault proxy problems: %s" % "; ".join(proxy.errors[:5]))
        if not ok and args.log:
            with open(args.log + ".proxy", "w") as f:
                for t, what in proxy.trace:
                    f.write("%.2f %s\n" % (t - started, what))
            with open(args.log + ".peer", "w") as f:
                f.write(carol.stdout + "\n--- stderr ---\n" + carol.stderr)
            with open(args.log + ".server", "w") as f:
                f.write(server.log_text()[-400000:])
        print("soak: %s" % ("PASS" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        if proxy is not None:
            proxy.close()
        server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
