# SPDX-License-Identifier: GPL-2.0-or-later
# Presence and subscriptions (RFC 6121 §3, §4) against a real private server (servers.py:
# Prosody, or ejabberd): two Lyre accounts in headless libpurple, and slixmpp as an independent
# contact with two resources.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_presence.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import shutil
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness_client import harness_path, protocol  # noqa: E402
from servers import make_server  # noqa: E402

SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
TIMEOUT = 60 if not SLOW else 240


class Live:
    """A lyre-harness running in the background: commands go in on stdin as the test goes."""

    def __init__(self, server, user, password, resource="harness", home=None, proto=None,
                 timeout=None, debug=False):
        # home: a purple home to sign in from again (a restart keeps the account's settings);
        # proto: another protocol plugin than the one under test (prpl-jabber as a peer);
        # debug: libpurple's debug lines too (the plugins' own: debug_text()).
        self.home = home or tempfile.mkdtemp(prefix="lyre-purple-")
        proto = proto or protocol()
        argv = [harness_path(), "--purple-home", self.home, "--protocol", proto,
                "--account", "%s@%s/%s" % (user, server.host, resource),
                "--password", password, "--cert-answer", "reject", "--commands",
                "--timeout", str(timeout or TIMEOUT),
                "--set", "connect_server=127.0.0.1", "--set", "port=%d" % server.c2s_port]
        if server.ca_file and proto == "prpl-lyre":
            argv += ["--set", "lyre_ca_file=%s" % server.ca_file]
        plugin_dir = os.environ.get("LYRE_PLUGIN_DIR")
        if plugin_dir:
            argv += ["--plugin-dir", plugin_dir]
        if debug:
            argv += ["--debug"]
        argv = os.environ.get("LYRE_HARNESS_WRAP", "").split() + argv
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.events, self.lines = [], []
        self.q = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stderr = ""
        self.polls = 0

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            try:
                self.q.put(json.loads(line))
            except ValueError:
                pass
        self.q.put(None)

    def wait(self, pred, timeout=TIMEOUT):
        """The first new event matching pred (events seen earlier are kept in self.events)."""
        for e in self.events:
            if pred(e):
                return e
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                e = self.q.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if e is None:
                break
            self.events.append(e)
            if pred(e):
                return e
        return None

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def presence(self, jid, tag):
        """dump-presence: the buddy's status on the buddy list (and the tooltip)."""
        self.send("dump-presence %s %s" % (jid, tag))
        p = self.wait(lambda e: e.get("event") == "presence" and e.get("tag") == tag)
        t = self.wait(lambda e: e.get("event") == "tooltip" and e.get("tag") == tag, timeout=5)
        if p is not None:
            p["tooltip"] = re.sub(r"<[^>]*>", "", t["text"]) if t else ""
        return p

    def poll_presence(self, jid, pred, timeout=20):
        """dump-presence until pred holds (presence takes a moment to travel)."""
        deadline, p = time.time() + timeout, None
        while time.time() < deadline:
            self.polls += 1
            p = self.presence(jid, "poll%d" % self.polls)
            if p is not None and pred(p):
                return p
            time.sleep(0.5)
        return p

    def of(self, name):
        self.wait(lambda e: False, timeout=0.2)
        return [e for e in self.events if e.get("event") == name]

    def stop(self, keep_home=False):
        """Quits (once); keep_home: the purple home stays, for a restart from it."""
        if self.proc.stdout.closed:
            return
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)
        self.stderr = self.proc.stderr.read() if self.proc.stderr else ""
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
        if not keep_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def debug_text(self):
        """Everything the harness wrote so far: its events and, with debug, libpurple's debug
        lines between them."""
        return "".join(self.lines)

    def describe(self):
        return "argv: %s\nstdout:\n%s\nstderr(tail):\n%s" % (
            " ".join(self.argv), "".join(self.lines), self.stderr[-3000:])


class PresenceCase(unittest.TestCase):
    users = ()

    @classmethod
    def setUpClass(cls):
        cls.server = make_server()
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for u in cls.users:
            cls.server.add_user(u, u + "-secret")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.live = []

    def tearDown(self):
        for h in self.live:
            h.stop()
        for h in self.live:
            # Exit 0 after quit; under LYRE_HARNESS_WRAP (valgrind) also no memory errors.
            self.check(h.proc.returncode == 0, h, "harness exit status %s" % h.proc.returncode)

    def start(self, user, resource="harness", home=None, proto=None, timeout=None, debug=False):
        """timeout: the harness's life (default TIMEOUT), for a test that runs longer."""
        h = Live(self.server, user, user + "-secret", resource, home, proto, timeout, debug)
        self.live.append(h)
        self.check(h.wait(lambda e: e.get("event") in ("signed-on", "disconnected")), h,
                   "no sign-on event")
        self.check(h.of("signed-on"), h, "%s did not sign on" % user)
        return h

    def check(self, cond, h, msg):
        if not cond:
            logs = "\n\n".join("== %s ==\n%s" % (x.argv[x.argv.index("--account") + 1],
                                                x.describe()) for x in self.live)
            self.fail("%s\n%s\n--- %s log tail ---\n%s"
                      % (msg, logs, self.server.kind, self.server.log_text()[-3000:]))

    def jid(self, user):
        return "%s@%s" % (user, self.server.host)


class TestSubscriptionHandshake(PresenceCase):
    users = ("alice", "bob", "carol", "dave")

    def handshake(self, asker, answerer):
        a, b = self.start(asker), self.start(answerer)
        a.send("add-buddy %s" % self.jid(answerer))
        # The answerer is asked (the harness answers "accept"), accepts and asks back; the
        # asker's harness accepts that in turn: a mutual subscription.
        req = b.wait(lambda e: e.get("event") == "request" and e.get("kind") == "authorize")
        self.check(req and req["from"] == self.jid(asker), b, "no authorization request")
        back = a.wait(lambda e: e.get("event") == "request" and e.get("kind") == "authorize")
        self.check(back and back["from"] == self.jid(answerer), a, "the answerer did not ask back")
        # Each sees the other online, with the subscription shown as Both.
        pa = a.poll_presence(self.jid(answerer), lambda p: p["online"] and "Both" in p["tooltip"])
        self.check(pa and pa["online"] and "Both" in pa["tooltip"], a,
                   "the asker does not see the answerer online with a mutual subscription")
        pb = b.poll_presence(self.jid(asker), lambda p: p["found"] and p["online"])
        self.check(pb and pb["online"], b, "the answerer does not see the asker online")
        self.assertFalse(self.server.client_sent("type='invisible'"))

    def test_alice_adds_bob(self):
        self.handshake("alice", "bob")

    def test_dave_adds_carol(self):
        """The same the other way round, on two fresh accounts (the harness's buddy list is
        empty for the answerer: the authorization request adds nobody by itself)."""
        self.handshake("dave", "carol")


class TestStatus(PresenceCase):
    users = ("alice", "bob")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.make_mutual_roster("alice", "bob")

    def test_status_message_and_priority_seen(self):
        a, b = self.start("alice"), self.start("bob")
        p = a.poll_presence(self.jid("bob"), lambda p: p["online"])
        self.check(p and p["status"] == "available", a, "bob not available")
        b.send("status-priority away 7 out <b>for</b> lunch")
        p = a.poll_presence(self.jid("bob"), lambda p: p["status"] == "away")
        self.check(p and p["status"] == "away", a, "bob's away not seen")
        # Our status message is purple markup; <status/> is plain text (§4.7.2.2).
        self.assertEqual(p["message"], "out for lunch")
        self.assertEqual(p["priority"], 7)
        self.assertIn("Priority: 7", p["tooltip"])
        b.send("status-priority dnd -2 busy")
        p = a.poll_presence(self.jid("bob"), lambda p: p["status"] == "dnd")
        self.check(p and p["status"] == "dnd" and p["message"] == "busy", a, "dnd not seen")
        self.assertEqual(p["priority"], -2)
        self.assertTrue(p["online"])  # a negative priority is still online
        # Invisible: seen offline. Prosody 0.12 has neither XEP-0186 nor privacy lists;
        # ejabberd 23.01 has privacy lists (XEP-0016), no XEP-0186. Never XEP-0018's
        # <presence type='invisible'/>.
        b.send("status invisible")
        p = a.poll_presence(self.jid("bob"), lambda p: not p["online"])
        self.check(p and not p["online"], a, "invisible bob still seen online")
        b.send("status available back")
        p = a.poll_presence(self.jid("bob"), lambda p: p["online"])
        self.check(p and p["message"] == "back", a, "bob back not seen")
        self.assertFalse(self.server.client_sent("type='invisible'"))


class TestTwoResources(PresenceCase):
    users = ("alice", "carol")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.make_mutual_roster("alice", "carol")

    def peer(self, resource, *args):
        argv = ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"), "--jid",
                "%s/%s" % (self.jid("carol"), resource), "--password", "carol-secret",
                "--port", str(self.server.c2s_port), "--ca", self.server.ca_file,
                "--stay", "60", "--timeout", "90"] + list(args)
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.peers.append(proc)
        return proc

    def setUp(self):
        super().setUp()
        self.peers = []

    def tearDown(self):
        for p in self.peers:
            p.kill()
            p.communicate()
        super().tearDown()

    def test_best_resource(self):
        a = self.start("alice")
        self.peer("phone", "--show", "away", "--status", "on <b>the</b> phone", "--priority", "1")
        p = a.poll_presence(self.jid("carol"), lambda p: p["status"] == "away")
        self.check(p and p["status"] == "away", a, "carol/phone not seen")
        self.peer("desk", "--show", "dnd", "--status", "at my desk", "--priority", "5")
        p = a.poll_presence(self.jid("carol"), lambda p: p["status"] == "dnd")
        self.check(p and p["message"] == "at my desk" and p["priority"] == 5, a,
                   "the higher priority resource does not win")
        # Both resources are in the tooltip.
        self.assertIn("desk", p["tooltip"])
        self.assertIn("phone", p["tooltip"])
        self.assertIn("on &lt;b&gt;the&lt;/b&gt; phone", p["tooltip"])
        # The desk leaves: the phone is the best again.
        self.peers[1].kill()
        self.peers[1].communicate()
        p = a.poll_presence(self.jid("carol"), lambda p: p["status"] == "away")
        # A contact's text is plain: purple receives it escaped, never as markup (T50).
        self.check(p and p["message"] == "on &lt;b&gt;the&lt;/b&gt; phone", a,
                   "falling back to carol/phone failed")
        self.peers[0].kill()
        self.peers[0].communicate()
        p = a.poll_presence(self.jid("carol"), lambda p: not p["online"])
        self.check(p and not p["online"], a, "carol still online after both left")

    def test_offline_contact_not_redrawn(self):
        """An unavailable presence from a contact purple already shows offline changes
        nothing, so the buddy is not redrawn (at sign-in the server answers our probe of every
        offline contact this way: with 2,000 contacts that was 2,000 redraws after signing
        on). The twin: the same presence from a contact shown online takes it offline, a
        redraw."""
        a = self.start("alice")
        carol, alice = self.jid("carol"), self.jid("alice")
        p = a.poll_presence(carol, lambda p: p["found"] and not p["online"])
        self.check(p and not p["online"], a, "carol not on the list, offline")
        # carol signs in (alice sees her online), 3 s later sends a broadcast unavailable
        # presence (alice sees her offline: a change), then a directed one while offline (no
        # change), then a message: it travels the same way after the presence, so once alice
        # has it she has had the presence too.
        self.peer("phone", "--send-xml", "<presence type='unavailable'/>",
                  "--send-xml", "<presence type='unavailable' to='%s'/>" % alice,
                  "--send-xml", "<message type='chat' to='%s'><body>after the presence</body>"
                                "</message>" % alice,
                  "--send-delay", "3", "--send-every", "2")
        online = a.poll_presence(carol, lambda p: p["online"])
        self.check(online and online["online"], a, "carol/phone not seen online")
        gone = a.poll_presence(carol, lambda p: not p["online"])
        self.check(gone and not gone["online"], a, "carol's unavailable presence not seen")
        self.assertGreater(gone["updates"], online["updates"])
        im = a.wait(lambda e: e.get("event") == "im" and "after the presence" in e.get("text", ""))
        self.check(im is not None, a, "carol's message after the directed presence not seen")
        after = a.poll_presence(carol, lambda p: True)
        self.assertFalse(after["online"])
        self.assertEqual(after["updates"], gone["updates"],
                         "an unavailable presence for an offline contact redrew it")

if __name__ == "__main__":
    unittest.main(verbosity=2)
