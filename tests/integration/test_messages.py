# SPDX-License-Identifier: GPL-2.0-or-later
# Messages (RFC 6121 §5) against a real private server (servers.py: Prosody, or ejabberd):
# message types, languages, offline (delayed) delivery, error bounces, chat states, XHTML-IM and
# the sanitiser, end to end.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_messages.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)

alice (and bob) are Lyre accounts in the headless harness; carol is an independent slixmpp
client (xmpp_peer.py) that sends hand-written stanzas and witnesses what Lyre sends.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness_client import Client, protocol  # noqa: E402
from servers import make_server  # noqa: E402

LYRE = protocol() == "prpl-lyre"
SLOW = 6 if os.environ.get("LYRE_HARNESS_WRAP") else 1  # valgrind runs are slower
HOST = "example.test"
ALICE = "alice@%s" % HOST
BOB = "bob@%s" % HOST
CAROL = "carol@%s" % HOST
ALICE_FULL = ALICE + "/harness"
CAROL_FULL = CAROL + "/peer"


class Peer:
    """carol as a running slixmpp client (xmpp_peer.py)."""

    def __init__(self, server, stanzas, stay):
        argv = ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"), "--jid", CAROL_FULL,
                "--password", "carol-secret", "--port", str(server.c2s_port), "--ca",
                server.ca_file, "--stay", str(stay), "--timeout", str(stay + 30)]
        for xml in stanzas:
            argv += ["--send-xml", xml]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)

    def finish(self):
        out, err = self.proc.communicate(timeout=120)
        self.stdout, self.stderr = out, err
        self.events = []
        for line in out.splitlines():
            try:
                self.events.append(json.loads(line))
            except ValueError:
                pass
        return self

    def xml_received(self):
        return [e["xml"] for e in self.events if e.get("event") == "message-xml"]


class Background(threading.Thread):
    """A Lyre harness run in a thread, so two accounts (or a peer) can run at once."""

    def __init__(self, client, commands, timeout=40, resource="harness"):
        super().__init__(daemon=True)
        self.client, self.commands, self.timeout, self.resource = (client, commands, timeout,
                                                                   resource)
        self.result = None

    def run(self):
        self.result = self.client.run(settings=settings(self.client.server),
                                      stdin_text="\n".join(self.commands) + "\n",
                                      timeout=self.timeout, resource=self.resource)


def settings(server):
    s = {"connect_server": "127.0.0.1", "port": server.c2s_port,
         "connection_security": "require_tls"}
    if LYRE:
        s["lyre_ca_file"] = server.ca_file
    return s


def writes(result, conv=None):
    """conv-write events of received lines (optionally in one conversation)."""
    return [e for e in result.of("conv-write")
            if e.get("recv") and (conv is None or e.get("conv") == conv)]


class MessagesCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # mod_offline stores messages for offline users and adds <delay/> (XEP-0203).
        cls.server = make_server(extra_modules=["offline"])
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.server.add_user("alice", "alice-secret")
        cls.server.add_user("bob", "bob-secret")
        cls.server.add_user("carol", "carol-secret")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.mark = self.server.log_offset()
        self.alice = Client(self.server, "alice", "alice-secret")
        self.bob = Client(self.server, "bob", "bob-secret")

    def tearDown(self):
        self.alice.cleanup()
        self.bob.cleanup()

    def log(self):
        return self.server.log_text(since=self.mark)

    def check(self, cond, what, *results):
        if not cond:
            details = "\n".join(r.describe() if hasattr(r, "describe") else
                                "peer stdout:\n%s\nstderr:\n%s" % (r.stdout, r.stderr[-2000:])
                                for r in results)
            self.fail("%s\n%s\n--- %s log tail ---\n%s" % (what, details, self.server.kind,
                                                          self.log()[-3000:]))

    def wait_bound(self, jid, timeout=30):
        if not self.server.bound(jid, self.mark, timeout=timeout * SLOW):
            self.fail("%s never bound a resource\n%s" % (jid, self.log()[-3000:]))

    def alice_with_peer(self, stanzas, alice_commands=None, stay=8, env=None):
        """Runs alice (Lyre), then carol once alice is online; returns both results."""
        old = {}
        for k, v in (env or {}).items():
            old[k] = os.environ.get(k)
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        try:
            alice = Background(self.alice, alice_commands or ["wait %d" % (stay * SLOW)],
                               timeout=(stay + 30) * SLOW)
            alice.start()
            self.wait_bound(ALICE_FULL)
            peer = Peer(self.server, stanzas, stay=max(2, stay - 2) * SLOW)
            peer.finish()
            alice.join(timeout=(stay + 90) * SLOW)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.assertIsNotNone(alice.result, "alice's harness did not finish")
        self.check(alice.result.returncode == 0, "alice's harness failed", alice.result, peer)
        return alice.result, peer

    # -- message types -----------------------------------------------------------------------
    def test_types(self):
        msg = ("<message xmlns='jabber:client' to='%s' type='%%s' id='t-%%s'><body>%%s</body>"
               "</message>" % ALICE_FULL)
        res, peer = self.alice_with_peer([
            msg % ("chat", "1", "a chat line"),
            msg % ("normal", "2", "a normal line"),
            msg % ("headline", "3", "a headline"),
            "<message xmlns='jabber:client' to='%s'><subject>Topic</subject><body>with subject"
            "</body></message>" % ALICE_FULL,
            # T46: a groupchat message outside any joined room is dropped.
            msg % ("groupchat", "4", "groupchat-must-not-show"),
            # T45: a bare forward is shown as from carol, never as from bob.
            "<message xmlns='jabber:client' to='%s' type='chat'><forwarded "
            "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='%s/x' "
            "type='chat'><body>i-am-bob</body></message></forwarded></message>"
            % (ALICE_FULL, BOB),
        ])
        got = writes(res)
        texts = [(e["conv"], e["text"]) for e in got]
        for line in ("a chat line", "a normal line", "a headline", "with subject"):
            self.check((CAROL, line) in texts, "missing %r from carol: %s" % (line, texts), res,
                       peer)
        self.check(any(e["system"] and "Topic" in e["text"] for e in res.of("conv-write")),
                   "subject not shown", res)
        self.check(not any("groupchat-must-not-show" in t for _, t in texts),
                   "groupchat message shown", res)
        fwd = [e for e in got if "i-am-bob" in e["text"]]
        self.check(len(fwd) == 1 and fwd[0]["conv"] == CAROL and "Forwarded by" in fwd[0]["text"],
                   "forward not attributed to carol: %s" % texts, res)
        self.check(not any(e["conv"] == BOB for e in res.of("conv-write")),
                   "something shown as from bob", res)

    def test_multilang(self):
        stanza = ("<message xmlns='jabber:client' to='%s' type='chat' xml:lang='en'>"
                  "<body>hello</body><body xml:lang='fr'>bonjour</body>"
                  "<body xml:lang='de'>hallo</body></message>" % ALICE_FULL)
        fr, peer = self.alice_with_peer([stanza], stay=6,
                                        env={"LANGUAGE": "fr_FR", "LC_ALL": None})
        self.check([e["text"] for e in writes(fr)] == ["bonjour"], "French user", fr, peer)
        # No user language (C locale): the stanza's default, English.
        c, peer = self.alice_with_peer([stanza], stay=6,
                                       env={"LANGUAGE": None, "LC_ALL": "C", "LC_MESSAGES": None,
                                            "LANG": None})
        self.check([e["text"] for e in writes(c)] == ["hello"], "C locale", c, peer)

    def test_error_bounce(self):
        res = self.alice.run(settings=settings(self.server), timeout=30 * SLOW,
                             stdin_text="im nobody-here@%s hello?\nwait %d\n" % (HOST, 3 * SLOW))
        self.check(res.returncode == 0, "harness failed", res)
        errs = [e for e in res.of("conv-write") if e.get("error")]
        self.check(len(errs) == 1 and errs[0]["conv"] == "nobody-here@%s" % HOST,
                   "no error line in the conversation", res)
        self.check("could not be delivered" in errs[0]["text"], "unreadable error", res)

    def test_offline_delayed(self):
        # bob sends while alice is offline; the server stores it (offline storage) and adds a
        # <delay/> when it delivers it.
        sent_at = time.time()
        bob = self.bob.run(settings=settings(self.server), timeout=30 * SLOW,
                           stdin_text="im %s sent while you were out\nwait 1\n" % ALICE)
        self.check(bob.has("sent"), "bob did not send", bob)
        time.sleep(3)
        res = self.alice.run(settings=settings(self.server), timeout=30 * SLOW,
                             stdin_text="wait %d\n" % (4 * SLOW))
        self.check(res.returncode == 0, "harness failed", res)
        got = [e for e in writes(res) if e["text"] == "sent while you were out"]
        self.check(len(got) == 1, "offline message not delivered", res, bob)
        self.check(got[0]["delayed"] == 1, "not marked delayed", res)
        self.check(got[0]["conv"] == BOB, "wrong conversation", res)
        # The original time (when bob sent it), not the time alice signed in.
        self.check(abs(got[0]["time"] - sent_at) <= 3, "time %s is not the send time %s"
                   % (got[0]["time"], sent_at), res)

    def test_chat_states_both_ways(self):
        to_alice = ("<message xmlns='jabber:client' to='%s' type='chat'>%%s</message>"
                    % ALICE_FULL)
        cs = "xmlns='http://jabber.org/protocol/chatstates'"
        res, peer = self.alice_with_peer(
            [to_alice % ("<body>ping</body><active %s/>" % cs), to_alice % ("<composing %s/>" % cs)],
            alice_commands=["wait %d" % (3 * SLOW), "typing %s typing" % CAROL_FULL,
                            "wait 1", "typing %s stopped" % CAROL_FULL, "wait %d" % (4 * SLOW)],
            stay=9)
        typing = [e for e in res.of("typing") if e["from"] == CAROL]
        self.check(any(e["state"] == "typing" for e in typing), "carol's typing not shown",
                   res, peer)
        xmls = peer.xml_received()
        self.check(any("<composing" in x and "chatstates" in x for x in xmls),
                   "alice's composing not sent: %s" % xmls, res, peer)
        self.check(any("<active" in x and "chatstates" in x for x in xmls),
                   "alice's stop (active) not sent: %s" % xmls, res, peer)

    def test_no_chat_states_to_unknown_peer(self):
        # Positive twin's counterpart: carol never showed chat states, so none are sent.
        res, peer = self.alice_with_peer(
            [], alice_commands=["wait 2", "typing %s typing" % CAROL_FULL, "wait %d" % (3 * SLOW)],
            stay=7)
        self.check(not any("chatstates" in x for x in peer.xml_received()),
                   "typing sent to a peer not known to use chat states", res, peer)

    def test_xhtml_round_trip_lyre_to_lyre(self):
        bob = Background(self.bob, ["wait %d" % (8 * SLOW)], timeout=60 * SLOW)
        bob.start()
        self.wait_bound(BOB + "/harness")
        alice = self.alice.run(
            settings=settings(self.server), timeout=30 * SLOW,
            stdin_text="im %s/harness plain and <b>bold</b> and <a href=\"https://example.com/\">"
                       "link</a>\nwait %d\n" % (BOB, 2 * SLOW))
        bob.join(timeout=120 * SLOW)
        got = writes(bob.result, ALICE)
        self.check(len(got) == 1, "bob got nothing from alice", bob.result, alice)
        text = got[0]["text"]
        self.check(re.search(r"font-weight: ?bold|<b>|<strong>", text) is not None,
                   "bold lost: %r" % text, bob.result)
        self.check('href="https://example.com/"' in text, "link lost: %r" % text, bob.result)

    def test_unknown_slash_command_sent_as_text(self):
        # A line typed as in Pidgin: "/frobnicate ..." is nobody's command, so it reaches carol
        # as text (Lyre does not claim OPT_PROTO_SLASH_COMMANDS_NATIVE, with which Pidgin
        # answers "Unknown command." and sends nothing). Twin: /ping is Lyre's own command and
        # runs; it is never sent as a message.
        typed = "/frobnicate the <widget> & more"
        res, peer = self.alice_with_peer(
            [], alice_commands=["wait %d" % (3 * SLOW), "type %s %s" % (CAROL_FULL, typed),
                                "type %s /ping" % CAROL_FULL, "wait %d" % (3 * SLOW)],
            stay=9)
        outcomes = {e["text"]: e for e in res.of("typed")}
        self.check(outcomes.get(typed, {}).get("outcome") == "unknown-command-sent",
                   "unknown command not sent: %s" % outcomes, res)
        self.check(outcomes.get("/ping", {}).get("outcome") == "command",
                   "/ping did not run as a command: %s" % outcomes, res)
        self.check(not any("Unknown command" in e["text"] for e in res.of("conv-write")),
                   "Unknown command. shown", res)
        bodies = []
        for xml in peer.xml_received():
            # slixmpp prints the stanza without its default namespace: match local names.
            for child in ET.fromstring(xml):
                if child.tag.rsplit("}", 1)[-1] == "body":
                    bodies.append((child.text, xml))
        self.check([b for b, _ in bodies] == [typed],
                   "carol's bodies: %s" % [b for b, _ in bodies], res, peer)
        # Plain text typed: the body alone, no XHTML-IM.
        self.check("xhtml-im" not in bodies[0][1], "XHTML sent for plain text: %s" % bodies[0][1],
                   res, peer)

    def test_sanitiser_end_to_end(self):
        xhtml = ("<message xmlns='jabber:client' to='%s' type='chat'><body>fallback</body>"
                 "<html xmlns='http://jabber.org/protocol/xhtml-im'><body "
                 "xmlns='http://www.w3.org/1999/xhtml'><script>alert(1)</script>"
                 "<b onclick='alert(2)'>bold</b> <a href='javascript:alert(3)'>js</a> "
                 "<a href='file:///etc/passwd'>file</a> <img src='http://evil.test/t.png' "
                 "alt='pic'/> <a href='https://example.com/'>safe</a></body></html></message>"
                 % ALICE_FULL)
        plain = ("<message xmlns='jabber:client' to='%s' type='chat'><body>&lt;b&gt;raw"
                 "&lt;/b&gt;</body></message>" % ALICE_FULL)
        res, peer = self.alice_with_peer([xhtml, plain], stay=6)
        got = [e["text"] for e in writes(res)]
        self.check(len(got) == 2, "expected two messages: %s" % got, res, peer)
        rich = got[0]
        for bad in ("script", "alert", "onclick", "javascript", "file:", "<img"):
            self.check(bad not in rich, "%r survived: %r" % (bad, rich), res)
        self.check("<b>bold</b>" in rich, "bold lost: %r" % rich, res)
        self.check('<a href="https://example.com/">safe</a>' in rich, "safe link lost", res)
        self.check(got[1] == "&lt;b&gt;raw&lt;/b&gt;", "plain body not escaped: %r" % got[1],
                   res)


if __name__ == "__main__":
    unittest.main()
