#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The delivery soak: Lyre (the headless harness) and an independent peer (slixmpp) exchange
# numbered messages both ways through a loopback fault proxy in front of a real private server,
# while faults are injected one after another (reset, half-close, a truncated record, delay,
# one-way drop). At the end every message must have arrived exactly once and in order, both
# ways, and the account must never have been signed off. The CI-sized variant is
# test_resume.py; this is the long run (scripts/run-soak), bounded in count and time.
"""Usage: tests/integration/soak_resume.py [--faults 100] [--messages 200] [--server prosody]
                                          [--seed N] [--log FILE] [--second-device]
--second-device: the user's phone (a second slixmpp client on the same account, with carbons,
straight to the server) sends its own numbered lines to the contact meanwhile: Lyre must show
them once, in order, as the user's; the phone must see Lyre's and the contact's once, in order.
Needs LYRE_HARNESS and LYRE_PLUGIN_DIR (scripts/run-soak sets them). Exit 0 when nothing was
lost, doubled or reordered."""

import argparse
import os
import xml.etree.ElementTree as ET
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
SEND = 0x1  # PURPLE_MESSAGE_SEND
ENABLE_CARBONS = ("<iq xmlns='jabber:client' type='set' id='carbons'>"
                  "<enable xmlns='urn:xmpp:carbons:2'/></iq>")
NS_CARBONS, NS_FORWARD, NS_SID = "urn:xmpp:carbons:2", "urn:xmpp:forward:0", "urn:xmpp:sid:0"


def phone_view(phone, kind):
    """What the phone shows, in order, each message once by its origin-id (else its id), as a
    client that deduplicates does: kind "sent": the user's lines from elsewhere (sent carbons);
    "carol": carol's lines, to the bare JID (delivered to every resource) or as received
    carbons."""
    out, seen = [], set()
    for xml in phone.xml_received():
        try:
            outer = ET.fromstring(xml)
        except ET.ParseError:
            continue
        sender = outer.get("from", "").split("/")[0]
        if kind == "carol" and sender == CAROL:
            inner = outer
        elif sender == ALICE:
            inner = outer.find("{%s}%s/{%s}forwarded/{jabber:client}message"
                               % (NS_CARBONS, "sent" if kind == "sent" else "received",
                                  NS_FORWARD))
        else:
            continue
        # slixmpp writes its top-level stanzas without their (default) namespace.
        body = None
        if inner is not None:
            body = inner.find("{jabber:client}body")
            if body is None:
                body = inner.find("body")
        if body is None or not body.text:
            continue
        origin = inner.find("{%s}origin-id" % NS_SID)
        key = (origin.get("id") if origin is not None else None) or inner.get("id") or body.text
        if key not in seen:
            seen.add(key)
            out.append(body.text)
    return out


def judge(what, got, want):
    """Prints the verdict of one direction; True when nothing was lost, doubled or reordered."""
    lost = [w for w in want if w not in got]
    doubled = sorted({g for g in got if got.count(g) > 1})
    reordered = [g for g in dict.fromkeys(got) if g in want] != [w for w in want if w in got]
    print("soak: %s: %d/%d arrived, %d lost, %d doubled, %s" % (
        what, len(set(got) & set(want)), len(want), len(lost), len(doubled),
        "reordered" if reordered else "in order"))
    return not lost and not doubled and not reordered


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
    ap.add_argument("--second-device", action="store_true",
                    help="the user's phone sends too, and must see everything once")
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
        # Everyone is online before the first message (the witnesses sign in after alice), and
        # the phone has carbons on before carol's first line.
        start_delay = 8.0
        commands = ["wait %.1f" % start_delay]
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
                     stay=2 * duration + 70, every=every, delay=start_delay - 2)
        phone = None
        if args.second_device:
            phone = Peer(server, ALICE + "/phone", "alice-secret",
                         [ENABLE_CARBONS] + [chat(CAROL, "p-%d" % i)
                                             for i in range(1, args.messages + 1)],
                         stay=2 * duration + 70, every=every, delay=start_delay - 4)
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
        if phone is not None:
            phone.proc.terminate()
            phone.finish(timeout=60)
        res = result.get("res")
        if res is None:
            print("soak: the harness did not finish")
            return 2
        if args.log:
            with open(args.log, "w") as f:
                f.write(res.stdout)
        in_carol = carol.bodies_from(ALICE)
        want_a = ["a-%d" % i for i in range(1, args.messages + 1)]
        want_c = ["c-%d" % i for i in range(1, args.messages + 1)]
        want_p = ["p-%d" % i for i in range(1, args.messages + 1)]
        lines = [e for e in res.of("conv-write") if e["conv"] == CAROL]
        got_c = [e["text"] for e in lines if e.get("recv")]
        ok = judge("alice -> carol", [b for b in in_carol if b.startswith("a-")], want_a)
        ok = judge("carol -> alice", got_c, want_c) and ok
        if phone is not None:
            ok = judge("phone -> carol", [b for b in in_carol if b.startswith("p-")],
                       want_p) and ok
            ok = judge("phone's lines at alice", [e["text"] for e in lines
                                                  if e["flags"] & SEND and
                                                  e["text"].startswith("p-")], want_p) and ok
            ok = judge("alice's lines at the phone", phone_view(phone, "sent"), want_a) and ok
            ok = judge("carol's lines at the phone", phone_view(phone, "carol"), want_c) and ok
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
            if phone is not None:
                with open(args.log + ".phone", "w") as f:
                    f.write(phone.stdout + "\n--- stderr ---\n" + phone.stderr)
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
