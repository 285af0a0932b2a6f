# SPDX-License-Identifier: GPL-2.0-or-later
# How far a message got, corrections and idle, against a real private server (servers.py:
# Prosody, or ejabberd), with slixmpp peers (xmpp_peer.py) as independent witnesses:
# - XEP-0184 receipts and XEP-0333 markers asked for only from a peer whose caps advertise them,
#   its answers shown as one quiet "Delivered" / "Seen" line;
# - receipts given to a contact who sees our presence, never to a stranger; <displayed/> only
#   once the user has looked at the conversation;
# - XEP-0308: a correction from the same full JID shown as one, from another resource of the
#   contact as an ordinary message (T72); /correct names the message it replaces;
# - XEP-0352: purple's idle hook tells the server inactive, then active.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_receipts.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import re
import sys
import threading
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness_client import Client, protocol  # noqa: E402
from peer_client import Peer  # noqa: E402
from servers import make_server  # noqa: E402

SLOW = 6 if os.environ.get("LYRE_HARNESS_WRAP") else 1  # valgrind runs are slower
HOST = "example.test"
ALICE, BOB, CAROL, DAVE = ("%s@%s" % (u, HOST) for u in ("alice", "bob", "carol", "dave"))
ALICE_FULL = ALICE + "/harness"
RECEIPTS, MARKERS = "urn:xmpp:receipts", "urn:xmpp:chat-markers:0"
CORRECT, CSI = "urn:xmpp:message-correct:0", "urn:xmpp:csi:0"
CLIENT = "{jabber:client}"
# purple's PURPLE_MESSAGE_SEND, _RECV, _SYSTEM and _NO_LOG (conversation.h).
SEND, RECV, SYSTEM, NO_LOG = 0x1, 0x2, 0x4, 0x40


def settings(server):
    s = {"connect_server": "127.0.0.1", "port": server.c2s_port,
         "connection_security": "require_tls"}
    if protocol() == "prpl-lyre":
        s["lyre_ca_file"] = server.ca_file
    return s


class Witness(Peer):
    """peer_client.Peer with xmpp_peer.py's other options (--caps, --feature, --answer)."""

    def __init__(self, server, jid, password, stanzas=(), stay=5, options=()):
        super().__init__(server, jid, password, stanzas, stay=stay, options=options)

    def messages(self):
        """What it received, parsed: (message element, its body text or None)."""
        out = []
        for x in self.xml_received():
            msg = ET.fromstring(x)  # slixmpp writes jabber:client as no namespace
            body = [c.text for c in msg if c.tag in ("body", CLIENT + "body")]
            out.append((msg, body[0] if body else None))
        return out

    def message_with_body(self, body):
        found = [m for m, b in self.messages() if b == body]
        return found[0] if found else None

    def children(self, ns, name):
        """Every <name xmlns=ns/> in what it received, from any message."""
        return [c for m, _ in self.messages() for c in m.iter("{%s}%s" % (ns, name))]


def stanza(to, ident, body, extra):
    return ("<message xmlns='jabber:client' to='%s' type='chat' id='%s'><body>%s</body>%s"
            "</message>" % (to, ident, body, extra))


class ReceiptsCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # CSI is a module on both servers: Prosody's mod_csi_simple (with mod_csi, which offers
        # the stream feature), ejabberd's mod_client_state.
        cls.server = make_server(prosody={"extra_modules": ["csi_simple"]},
                                 ejabberd={"extra_modules": ["mod_client_state"]})
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for user in ("alice", "bob", "carol", "dave"):
            cls.server.add_user(user, user + "-secret")
        # bob and dave see alice's presence and she theirs; carol is a stranger.
        cls.server.write_roster("alice", [(BOB, "Bob", "both"), (DAVE, "Dave", "both")])
        cls.server.write_roster("bob", [(ALICE, "Alice", "both")])
        cls.server.write_roster("dave", [(ALICE, "Alice", "both")])

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.mark = self.server.log_offset()
        self.alice = Client(self.server, "alice", "alice-secret")

    def tearDown(self):
        self.alice.cleanup()

    def check(self, cond, what, *results):
        if not cond:
            details = "\n".join(r.describe() if hasattr(r, "describe") else
                                "peer stdout:\n%s\nstderr:\n%s" % (r.stdout, r.stderr[-2000:])
                                for r in results)
            self.fail("%s\n%s\n--- %s log tail ---\n%s" % (
                what, details, self.server.kind, self.server.log_text(since=self.mark)[-4000:]))

    def wait_bound(self, jid, timeout=30):
        if not self.server.bound(jid, self.mark, timeout=timeout * SLOW):
            self.fail("%s never bound a resource\n%s"
                      % (jid, self.server.log_text(since=self.mark)[-3000:]))

    def run_alice(self, commands, timeout):
        result = {}

        def run():
            result["alice"] = self.alice.run(settings=settings(self.server),
                                             stdin_text="\n".join(commands) + "\n",
                                             timeout=timeout)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, result

    def finish_alice(self, thread, result, *peers):
        thread.join(timeout=120 * SLOW)
        res = result.get("alice")
        self.assertIsNotNone(res, "alice's harness did not finish")
        self.check(res.returncode == 0, "alice's harness failed", res, *peers)
        return res

    def client_sent_at(self, regex):
        """Where in the log (offsets) the server logged a client sending what regex matches."""
        found = self.server.log_search(self.server.CLIENT_SENT_RE.format(fragment=regex),
                                       self.mark, timeout=2)
        return [m.start() for m in found]

    def test_lyre_to_peer(self):
        # bob's client advertises receipts and markers in its caps and answers Lyre's first
        # message with a receipt, the second with a displayed marker; dave's has no caps.
        bob = Witness(self.server, BOB + "/caps", "bob-secret", stay=14 * SLOW, options=[
            "--caps", "--feature", RECEIPTS, "--feature", MARKERS,
            "--answer", "receipt", "--answer", "displayed"])
        dave = Witness(self.server, DAVE + "/plain", "dave-secret", stay=14 * SLOW)
        self.wait_bound(BOB + "/caps")
        self.wait_bound(DAVE + "/plain")
        time.sleep(0.5 * SLOW)  # their initial presence (bob's with caps) is out
        commands = ["wait %d" % (2 * SLOW),  # presences probed, bob's caps asked and answered
                    "im %s first from lyre" % BOB, "im %s plain to dave" % DAVE,
                    "wait %d" % (2 * SLOW), "im %s second from lyre" % BOB,
                    "wait %d" % (2 * SLOW), "type %s /correct second, corrected" % BOB,
                    "wait %d" % SLOW, "idle on", "wait %d" % SLOW, "idle off",
                    "wait %d" % SLOW]
        thread, result = self.run_alice(commands, timeout=40 * SLOW)
        res = self.finish_alice(thread, result, bob, dave)
        bob.finish()
        dave.finish()

        # Asked of bob, whose caps say he supports both; not of dave, who advertises nothing.
        first = bob.message_with_body("first from lyre")
        self.check(first is not None, "bob did not get Lyre's first message", bob, res)
        self.check(first.find("{%s}request" % RECEIPTS) is not None
                   and first.find("{%s}markable" % MARKERS) is not None,
                   "Lyre's message to a peer with receipts and markers in its caps asks for "
                   "neither: %s" % ET.tostring(first, encoding="unicode"), bob, res)
        plain = dave.message_with_body("plain to dave")
        self.check(plain is not None, "dave did not get Lyre's message", dave, res)
        self.check(plain.find("{%s}request" % RECEIPTS) is None
                   and plain.find("{%s}markable" % MARKERS) is None,
                   "Lyre asked a peer without caps for receipts or markers: %s"
                   % ET.tostring(plain, encoding="unicode"), dave, res)

        # bob's receipt for the first message is one quiet line "Delivered", his displayed
        # marker for the second one "Seen"; neither is logged; nothing in dave's conversation.
        lines = [e for e in res.of("conv-write") if e["conv"] == BOB]
        texts = [e["text"] for e in lines]
        self.check(texts.count("Delivered") == 1 and texts.count("Seen") == 1,
                   "not one Delivered and one Seen line with bob: %s" % texts, res, bob)
        self.check(texts.index("first from lyre") < texts.index("Delivered")
                   < texts.index("second from lyre") < texts.index("Seen"),
                   "Delivered and Seen not after the messages they are about: %s" % texts, res)
        for e in lines:
            if e["text"] in ("Delivered", "Seen"):
                self.check(e["flags"] & SYSTEM and e["flags"] & NO_LOG,
                           "a delivery line is not a system line kept out of the log: %s" % e,
                           res)
        self.check(not any(e["conv"] == DAVE and e["system"] for e in res.of("conv-write")),
                   "a delivery line in dave's conversation: %s" % res.of("conv-write"), res)

        # /correct: a new message naming the one it replaces (the second), shown as ours.
        typed = [e for e in res.of("typed") if e["text"].startswith("/correct")]
        self.check(typed and typed[0]["outcome"] == "command",
                   "/correct did not run as a command: %s" % typed, res)
        second = bob.message_with_body("second from lyre")
        fixed = bob.message_with_body("second, corrected")
        self.check(second is not None and fixed is not None,
                   "bob did not get the second message and its correction", bob, res)
        replace = fixed.find("{%s}replace" % CORRECT)
        self.check(replace is not None and replace.get("id") == second.get("id")
                   and fixed.get("id") != second.get("id"),
                   "the correction does not replace the second message (id %s): %s"
                   % (second.get("id"), ET.tostring(fixed, encoding="unicode")), bob, res)
        self.check(any(e["flags"] & SEND and "Corrected:" in e["text"]
                       and "second, corrected" in e["text"] for e in lines),
                   "the correction is not shown as ours: %s" % texts, res)

        # XEP-0352: idle, then active again, told to the server in that order, once each.
        # Servers log the attributes in any order (Prosody puts xml:lang first at times).
        inactive = self.client_sent_at(r"<inactive\b[^>]*xmlns=['\"]%s['\"]" % re.escape(CSI))
        active = self.client_sent_at(r"<active\b[^>]*xmlns=['\"]%s['\"]" % re.escape(CSI))
        self.check(len(inactive) == 1 and len(active) == 1 and inactive[0] < active[0],
                   "the server did not get <inactive/> then <active/> once each "
                   "(at %s, %s)" % (inactive, active), res)

    def test_peer_to_lyre(self):
        # Every peer's message is in before the user looks at bob's conversation (the peers
        # sign in within about 5 s of Lyre, bob/other last).
        commands = ["wait %d" % (10 * SLOW), "seen %s" % BOB, "wait %d" % (2 * SLOW)]
        thread, result = self.run_alice(commands, timeout=30 * SLOW)
        self.wait_bound(ALICE_FULL)
        # bob, a contact who sees alice's presence, asks for a receipt, sends a markable
        # message, then a line and its correction; dave sends a markable message alice never
        # looks at; carol, a stranger, asks for a receipt.
        bob = Witness(self.server, BOB + "/caps", "bob-secret", stanzas=[
            stanza(ALICE_FULL, "r-bob", "please confirm", "<request xmlns='%s'/>" % RECEIPTS),
            stanza(ALICE_FULL, "m-bob", "mark me when seen", "<markable xmlns='%s'/>" % MARKERS),
            stanza(ALICE_FULL, "c-orig", "helo", ""),
            stanza(ALICE_FULL, "c-fix", "hello", "<replace xmlns='%s' id='c-orig'/>" % CORRECT),
        ], stay=14 * SLOW)
        dave = Witness(self.server, DAVE + "/plain", "dave-secret", stanzas=[
            stanza(ALICE_FULL, "m-dave", "never looked at", "<markable xmlns='%s'/>" % MARKERS),
        ], stay=14 * SLOW)
        carol = Witness(self.server, CAROL + "/peer", "carol-secret", stanzas=[
            stanza(ALICE_FULL, "r-carol", "from a stranger", "<request xmlns='%s'/>" % RECEIPTS),
        ], stay=5 * SLOW)
        self.wait_bound(BOB + "/caps")
        time.sleep(1 * SLOW)
        # T72: bob's other resource names the message bob/caps sent.
        other = Witness(self.server, BOB + "/other", "bob-secret", stanzas=[
            stanza(ALICE_FULL, "c-other", "not a correction",
                   "<replace xmlns='%s' id='c-orig'/>" % CORRECT),
        ], stay=2 * SLOW)
        other.finish()
        carol.finish()
        res = self.finish_alice(thread, result, bob, dave, carol, other)
        bob.finish()
        dave.finish()
        shown = [e for e in res.of("conv-write") if e["flags"] & RECV]

        # A receipt for bob, to the resource that asked; none for the stranger, whose message
        # was shown all the same.
        receipts = [r.get("id") for r in bob.children(RECEIPTS, "received")]
        self.check(receipts == ["r-bob"], "bob did not get one receipt for r-bob: %s"
                   % receipts, bob, res)
        self.check(any(e["conv"] == CAROL and e["text"] == "from a stranger" for e in shown),
                   "carol's message was not shown: %s" % shown, res, carol)
        self.check(not carol.children(RECEIPTS, "received"),
                   "a stranger got a receipt: %s" % carol.xml_received(), carol, res)

        # The user looked at bob's conversation: bob's markable message is marked displayed;
        # dave's, in a conversation never looked at, is not.
        displayed = [d.get("id") for d in bob.children(MARKERS, "displayed")]
        self.check(displayed == ["m-bob"], "bob did not get one <displayed/> for m-bob: %s"
                   % displayed, bob, res)
        self.check([e["conv"] for e in res.of("conv-seen")] == [BOB],
                   "bob's conversation was not there to be seen: %s" % res.events, res)
        self.check(any(e["conv"] == DAVE and e["text"] == "never looked at" for e in shown),
                   "dave's message was not shown: %s" % shown, res, dave)
        self.check(not dave.children(MARKERS, "displayed"),
                   "a conversation never looked at was marked displayed: %s"
                   % dave.xml_received(), dave, res)

        # XEP-0308: bob/caps's correction of its own line is shown as one; the same <replace/>
        # from bob/other is an ordinary message (T72).
        bob_lines = [e["text"] for e in shown if e["conv"] == BOB]
        self.check("helo" in bob_lines, "bob's line was not shown: %s" % bob_lines, res, bob)
        fixes = [t for t in bob_lines if "hello" in t]
        self.check(len(fixes) == 1 and "Corrected:" in fixes[0],
                   "bob's correction is not shown once as one: %s" % bob_lines, res, bob)
        self.check(bob_lines.count("not a correction") == 1,
                   "a <replace/> from bob's other resource is not an ordinary message (T72): %s"
                   % bob_lines, res, other)


if __name__ == "__main__":
    unittest.main()
