# SPDX-License-Identifier: GPL-2.0-or-later
# Archive catch-up (XEP-0313) against a real private server (servers.py: Prosody, or
# ejabberd): what a contact sent while Lyre was signed off, and what the user sent from another
# device meanwhile, appear once each in the conversation, with their original times, whether
# they came by offline storage, the archive, or both; the next sign-in fetches nothing again.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_archive.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness_client import Client, protocol  # noqa: E402
from peer_client import Peer, chat  # noqa: E402
from servers import make_server  # noqa: E402

SLOW = 6 if os.environ.get("LYRE_HARNESS_WRAP") else 1  # valgrind runs are slower
HOST = "example.test"
ALICE = "alice@%s" % HOST
CAROL = "carol@%s" % HOST
SEND = 0x1  # PURPLE_MESSAGE_SEND
SYSTEM, NO_LOG = 0x4, 0x40  # PURPLE_MESSAGE_SYSTEM, PURPLE_MESSAGE_NO_LOG
LONG = 130  # more than a page of either server's answers (Prosody: 50, ejabberd: 100 asked)
# The account archives everything (ejabberd's test configuration archives nothing by default).
ARCHIVE_ALWAYS = ("<iq xmlns='jabber:client' type='set' id='prefs'><prefs xmlns='urn:xmpp:mam:2' "
                  "default='always'/></iq>")


def settings(server):
    s = {"connect_server": "127.0.0.1", "port": server.c2s_port,
         "connection_security": "require_tls"}
    if protocol() == "prpl-lyre":
        s["lyre_ca_file"] = server.ca_file
    return s


class ArchiveCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server(extra_modules=["offline"])
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.server.add_user("alice", "alice-secret")
        cls.server.add_user("carol", "carol-secret")

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

    def test_caught_up_once_with_times(self):
        # While Lyre is signed off: the user's phone sends carol a line, and carol sends three.
        phone = Peer(self.server, ALICE + "/phone", "alice-secret",
                     [ARCHIVE_ALWAYS, chat(CAROL, "from the phone")], stay=2 * SLOW).finish()
        self.check(phone.proc.returncode == 0, "the phone failed", phone)
        sent_at = time.time()
        carol = Peer(self.server, CAROL + "/peer", "carol-secret",
                     [chat(ALICE, "while away %d" % i) for i in range(1, 4)],
                     stay=2 * SLOW, every=0.3).finish()
        self.check(carol.proc.returncode == 0, "carol failed", carol)
        time.sleep(1.5)

        res = self.alice.run(settings=settings(self.server), timeout=40 * SLOW,
                             stdin_text="wait %d\n" % (5 * SLOW), extra=("--debug",))
        self.check(res.returncode == 0, "alice's harness failed", res)
        lines = [e for e in res.of("conv-write") if e["conv"] == CAROL]
        for i in range(1, 4):
            text = "while away %d" % i
            got = [e for e in lines if e["text"] == text]
            self.check(len(got) == 1, "%r shown %d times: %s" % (text, len(got), lines), res)
            self.check(got[0]["recv"] and got[0]["delayed"], "%r not a delayed line" % text, res)
            self.check(abs(got[0]["time"] - sent_at) <= 5, "%r shown at %s, sent at %s"
                       % (text, got[0]["time"], sent_at), res)
        in_order = [e["text"] for e in lines if e["text"].startswith("while away")]
        self.check(in_order == ["while away %d" % i for i in range(1, 4)],
                   "not in order: %s" % in_order, res)
        # Only the archive knows what the phone sent: shown as ours, once, with its time.
        mine = [e for e in lines if e["text"] == "from the phone"]
        self.check(len(mine) == 1 and mine[0]["flags"] & SEND and mine[0]["delayed"],
                   "the phone's line not shown once as ours: %s" % lines, res)
        self.check("archive catch-up complete" in res.stdout, "no complete catch-up", res)

        # The next sign-in starts after what it has seen: nothing is shown again.
        again = self.alice.run(settings=settings(self.server), timeout=40 * SLOW,
                               stdin_text="wait %d\n" % (4 * SLOW), extra=("--debug",))
        self.check(again.returncode == 0, "alice's second run failed", again)
        shown = [e["text"] for e in again.of("conv-write") if e["conv"] == CAROL]
        self.check(shown == [], "shown again on the next sign-in: %s" % shown, again)
        self.check("archive catch-up after" in again.stdout,
                   "the next catch-up did not start after the last id it kept", again)

    def test_long_catch_up_shows_progress(self):
        # The user's phone sent carol many lines while Lyre was signed off: only the archive
        # has them, and fetching them takes several pages.
        phone = Peer(self.server, ALICE + "/phone", "alice-secret",
                     [ARCHIVE_ALWAYS] + [chat(CAROL, "long %d" % i) for i in range(1, LONG + 1)],
                     stay=4 * SLOW, every=0.01).finish()
        self.check(phone.proc.returncode == 0, "the phone failed", phone)
        res = self.alice.run(settings=settings(self.server), timeout=60 * SLOW,
                             stdin_text="wait %d\n" % (8 * SLOW), extra=("--debug",))
        self.check(res.returncode == 0, "alice's harness failed", res)
        lines = [e for e in res.of("conv-write") if e["conv"] == CAROL]
        shown = [e["text"] for e in lines if e["text"].startswith("long ")]
        self.check(shown == ["long %d" % i for i in range(1, LONG + 1)],
                   "not every line once and in order: %s" % shown[:10], res)
        system = [e for e in lines if e["flags"] & SYSTEM]
        texts = [e["text"] for e in system]
        self.check(len(system) == 2 and all(e["flags"] & NO_LOG for e in system),
                   "not two unlogged system lines: %s" % texts, res)
        self.check(texts[0].startswith("Fetching more of this conversation"),
                   "no progress line: %s" % texts, res)
        messages = len([e for e in lines if not e["flags"] & SYSTEM])
        self.check(texts[1] == "Caught up: %d messages came from the server archive." % messages,
                   "the end line does not count the %d messages: %s" % (messages, texts), res)
        # The progress line comes after the first page, before the last line.
        order = [e["text"] for e in lines]
        self.check(order.index(texts[0]) < order.index("long %d" % LONG) < order.index(texts[1]),
                   "progress lines out of place", res)


if __name__ == "__main__":
    unittest.main()
