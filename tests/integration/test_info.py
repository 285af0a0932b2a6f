# SPDX-License-Identifier: GPL-2.0-or-later
# The info area against a real private server (servers.py: Prosody, or ejabberd): Get Info with
# version/time/last answers between two Lyre accounts, /ping, disco#info of our client matching
# our caps hash (asked by slixmpp), and caps of a slixmpp peer learnt and verified by Lyre
# (XEP-0030/0115/0092/0202/0012/0199).
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_info.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import base64
import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness_client import Client, harness_path, protocol  # noqa: E402
from servers import make_server  # noqa: E402

LYRE = protocol() == "prpl-lyre"
SLOW = 6 if os.environ.get("LYRE_HARNESS_WRAP") else 1  # valgrind runs are slower
HOST = "example.test"
ALICE, BOB = ("%s@%s" % (u, HOST) for u in ("alice", "bob"))


def caps_ver(identities, features):
    """XEP-0115 §5.1 for an answer without forms (ours has none)."""
    s = "".join("%s/%s/%s/%s<" % (c, t, l or "", n or "") for c, t, l, n in sorted(
        identities, key=lambda i: (i[0], i[1], i[2] or "", i[3] or "")))
    s += "".join("%s<" % f for f in sorted(features))
    return base64.b64encode(hashlib.sha1(s.encode("utf-8")).digest()).decode()


class Live:
    """A harness run we talk to while it runs: commands in, JSON events out."""

    def __init__(self, client, server, timeout=90, debug=False):
        argv = [harness_path(), "--purple-home", client.home, "--protocol", client.proto,
                "--account", "%s@%s/harness" % (client.user, HOST), "--password",
                client.password, "--cert-answer", "reject", "--timeout", str(timeout * SLOW),
                "--commands"]
        if debug:
            argv.append("--debug")
        if os.environ.get("LYRE_PLUGIN_DIR"):
            argv += ["--plugin-dir", os.environ["LYRE_PLUGIN_DIR"]]
        settings = {"connect_server": "127.0.0.1", "port": server.c2s_port,
                    "connection_security": "require_tls", "lyre_ca_file": server.ca_file}
        for key, value in settings.items():
            argv += ["--set", "%s=%s" % (key, value)]
        argv = os.environ.get("LYRE_HARNESS_WRAP", "").split() + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.events, self.stderr = [], []
        self.queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                self.stderr.append(line)  # libpurple's debug output goes to stdout (g_print)
                continue
            self.events.append(event)
            self.queue.put(event)

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, pred, timeout=20):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            try:
                event = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if pred(event):
                return event
        return None

    def wait_stderr(self, needle, timeout=20):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            if needle in "".join(self.stderr):
                return True
            time.sleep(0.2)
        return False

    def close(self):
        try:
            self.send("quit")
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=30 * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def describe(self):
        return "events:\n%s\nstderr tail:\n%s" % (
            "\n".join(json.dumps(e) for e in self.events), "".join(self.stderr)[-3000:])


class Peer:
    """A slixmpp client (xmpp_peer.py) running in the background."""

    def __init__(self, server, jid, password, stay, extra=()):
        argv = ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"), "--jid", jid,
                "--password", password, "--port", str(server.c2s_port), "--ca", server.ca_file,
                "--stay", str(stay), "--timeout", str(stay + 30)] + list(extra)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)

    def finish(self):
        out, self.stderr = self.proc.communicate(timeout=120)
        self.events = []
        for line in out.splitlines():
            try:
                self.events.append(json.loads(line))
            except ValueError:
                pass
        return self

    def of(self, name):
        return [e for e in self.events if e.get("event") == name]

    def describe(self):
        return "peer events: %s\nstderr: %s" % (self.events, self.stderr[-2000:])


@unittest.skipUnless(LYRE, "Lyre's info glue (harness commands need prpl-lyre)")
class InfoCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for user in ("alice", "bob"):
            cls.server.add_user(user, user + "-secret")
        cls.server.make_mutual_roster("alice", "bob")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.mark = self.server.log_offset()
        self.clients, self.lives = [], []

    def tearDown(self):
        for live in self.lives:
            live.close()
        for client in self.clients:
            client.cleanup()

    def live(self, user, debug=False):
        client = Client(self.server, user, user + "-secret")
        self.clients.append(client)
        live = Live(client, self.server, debug=debug)
        self.lives.append(live)
        self.check(live.wait_for(lambda e: e.get("event") == "signed-on", 40) is not None,
                   "%s did not sign in" % user, live)
        return live

    def check(self, cond, what, *others):
        if not cond:
            details = "\n".join(x.describe() for x in others)
            log = self.server.log_text(since=self.mark)
            self.fail("%s\n%s\n--- %s log tail ---\n%s" % (what, details, self.server.kind,
                                                          log[-3000:]))

    def test_get_info_version_time_last(self):
        alice = self.live("alice")
        bob = self.live("bob")
        # bob's presence must have reached alice before she asks for his resources.
        deadline = time.time() + 15 * SLOW
        while time.time() < deadline:
            tag = "t%f" % time.time()
            alice.send("dump-presence %s %s" % (BOB, tag))
            event = alice.wait_for(lambda e: e.get("event") == "presence", 5)
            if event and event.get("online"):
                break
            time.sleep(0.5)
        alice.send("get-info %s" % BOB)
        done = alice.wait_for(lambda e: e.get("event") == "userinfo", 20)
        self.check(done is not None, "no Get Info window", alice, bob)
        entries = {e["label"]: e["value"] for e in alice.events
                   if e.get("event") == "userinfo-entry" and e.get("who") == BOB}
        self.check(entries.get("Subscription") == "Both", "subscription: %s" % entries, alice)
        self.check(entries.get("Resource") == "harness", "resource: %s" % entries, alice)
        self.check(entries.get("Client", "").startswith("Lyre "), "client: %s" % entries, alice)
        self.check("(" not in entries.get("Client", ""), "OS shown by default: %s" % entries,
                   alice)
        self.check("UTC" in entries.get("Local Time", ""), "local time: %s" % entries, alice)
        self.check("Last Activity" in entries, "last activity: %s" % entries, alice)

    def test_ping(self):
        alice = self.live("alice")
        self.live("bob")
        time.sleep(1 * SLOW)  # bob's presence reaches alice: /ping asks his resource
        alice.send("ping %s" % BOB)
        line = alice.wait_for(lambda e: e.get("event") == "conv-write" and
                              "Ping" in e.get("text", ""), 20)
        self.check(line is not None and "reply" in line["text"], "no ping reply", alice)
        self.check(line["system"] == 1, "ping line not a system message", alice)

    def test_disco_of_our_client_matches_caps(self):
        alice = self.live("alice")
        peer = Peer(self.server, BOB + "/peer", "bob-secret", 30,
                    ["--disco-info", ALICE + "/harness"]).finish()
        seen, info = peer.of("caps-seen"), peer.of("disco-info")
        self.check(seen and info, "no caps or disco#info from alice", peer, alice)
        seen, info = seen[0], info[0]
        self.check(seen["hash"] == "sha-1" and seen["node"] == "https://lyre.im",
                   "caps element: %s" % seen, peer)
        self.check(info["node"] == "https://lyre.im#" + seen["ver"], "node: %s" % info, peer)
        self.check(["client", "pc", None, "Lyre"] in info["identities"] or
                   ["client", "pc", "", "Lyre"] in info["identities"],
                   "identity: %s" % info["identities"], peer)
        for ns in ("http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#info",
                   "jabber:iq:version", "urn:xmpp:time", "jabber:iq:last", "urn:xmpp:ping"):
            self.check(ns in info["features"], "feature %s missing: %s" % (ns, info), peer)
        self.check(info["forms"] == 0, "unexpected forms", peer)
        self.check(caps_ver(info["identities"], info["features"]) == seen["ver"],
                   "disco#info does not hash to the advertised ver: %s" % info, peer)

    def test_caps_of_peer_verified(self):
        alice = self.live("alice", debug=True)
        peer = Peer(self.server, BOB + "/peer", "bob-secret", 8, ["--caps"])
        found = alice.wait_stderr("caps: %s/peer: " % BOB, 20)
        peer.finish()
        self.check(found, "alice never learnt bob's caps", alice, peer)
        lines = [line for line in "".join(alice.stderr).splitlines()
                 if "caps: %s/peer: " % BOB in line]
        self.check(any("(verified)" in line for line in lines),
                   "bob's caps not verified: %s" % lines, alice, peer)
        # The verified entry outlives the session: the cache file in purple's user dir has it.
        alice.close()
        path = os.path.join(self.clients[0].home, "lyre", "caps-cache.xml")
        self.check(os.path.exists(path), "no caps cache file at %s" % path, alice)
        with open(path, encoding="utf-8") as f:
            cache = f.read()
        self.check("http://jabber.org/protocol/caps" in cache and "<entry" in cache,
                   "bob's caps not in the cache file: %s" % cache[:500], alice)


if __name__ == "__main__":
    unittest.main()
