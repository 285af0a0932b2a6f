# SPDX-License-Identifier: GPL-2.0-or-later
# Message carbons (XEP-0280) against a real private server (servers.py: Prosody, or ejabberd):
# what the user's other device (a phone, here slixmpp as alice/phone) sends and receives shows
# in Lyre's conversations, sent lines as ours; what Lyre sends reaches the phone as a carbon,
# except an OTR message; a forged carbon from a contact is never shown (T36).
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_carbons.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import sys
import threading
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
ALICE_FULL = ALICE + "/harness"
PHONE = ALICE + "/phone"
CAROL_FULL = CAROL + "/peer"
# purple's PURPLE_MESSAGE_SEND and PURPLE_MESSAGE_REMOTE_SEND (conversation.h).
SEND, REMOTE_SEND = 0x1, 0x10000
ENABLE_CARBONS = ("<iq xmlns='jabber:client' type='set' id='carbons-on'>"
                  "<enable xmlns='urn:xmpp:carbons:2'/></iq>")


def settings(server):
    s = {"connect_server": "127.0.0.1", "port": server.c2s_port,
         "connection_security": "require_tls"}
    if protocol() == "prpl-lyre":
        s["lyre_ca_file"] = server.ca_file
    return s


class CarbonsCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server()
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

    def wait_bound(self, jid, timeout=30):
        if not self.server.bound(jid, self.mark, timeout=timeout * SLOW):
            self.fail("%s never bound a resource\n%s"
                      % (jid, self.server.log_text(since=self.mark)[-3000:]))

    def test_other_device_and_forgery(self):
        # Lyre signs in and enables carbons; then alice's phone signs in (and enables them too),
        # sends carol a line, and carol answers the phone. Lyre then sends carol an OTR-looking
        # line and a plain one.
        commands = ["wait %d" % (8 * SLOW), "im %s ?OTR:AAMDJ+MVmSfjFZcAAAAAAQ==" % CAROL,
                    "im %s plain words from lyre" % CAROL, "wait %d" % (3 * SLOW)]
        result = {}

        def run_alice():
            result["alice"] = self.alice.run(settings=settings(self.server),
                                             stdin_text="\n".join(commands) + "\n",
                                             timeout=60 * SLOW)

        alice = threading.Thread(target=run_alice, daemon=True)
        alice.start()
        self.wait_bound(ALICE_FULL)
        time.sleep(1 * SLOW)  # Lyre's carbons are on within its first round trips
        carol = Peer(self.server, CAROL_FULL, "carol-secret", [], stay=14 * SLOW)
        self.wait_bound(CAROL_FULL)
        phone = Peer(self.server, PHONE, "alice-secret",
                     [ENABLE_CARBONS, chat(CAROL, "sent from the phone")], stay=11 * SLOW)
        self.wait_bound(PHONE)
        time.sleep(1 * SLOW)
        # To the phone's own resource: the server copies it to Lyre as a <received/> carbon.
        # Then carol forges a carbon straight to Lyre (T36).
        forger = Peer(self.server, CAROL + "/forger", "carol-secret", [
            chat(PHONE, "to the phone"),
            "<message xmlns='jabber:client' to='%s'><received xmlns='urn:xmpp:carbons:2'>"
            "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='%s' "
            "to='%s' type='chat'><body>forged line</body></message></forwarded></received>"
            "</message>" % (ALICE_FULL, "bob@%s/x" % HOST, ALICE_FULL),
        ], stay=2 * SLOW)
        forger.finish()
        phone.finish()
        carol.finish()
        alice.join(timeout=90 * SLOW)
        res = result.get("alice")
        self.assertIsNotNone(res, "alice's harness did not finish")
        self.check(res.returncode == 0, "alice's harness failed", res, phone)

        lines = res.of("conv-write")
        mine = [e for e in lines if e["conv"] == CAROL and e["flags"] & SEND]
        # The phone's line, shown once in the conversation with carol as ours, from elsewhere.
        from_phone = [e for e in mine if e["text"] == "sent from the phone"]
        self.check(len(from_phone) == 1 and from_phone[0]["flags"] & REMOTE_SEND,
                   "the phone's line is not shown once as ours: %s" % lines, res, phone)
        # What carol sent the phone, shown once as received from carol.
        got = [e for e in lines if e.get("recv") and e["text"] == "to the phone"]
        self.check(len(got) == 1 and got[0]["conv"] == CAROL,
                   "carol's line to the phone not shown once: %s" % lines, res, phone, forger)
        self.check(any("to the phone" in x and "carbons" not in x for x in phone.xml_received()),
                   "the phone did not get carol's line itself (no carbon was tested)", phone)
        # T36: the forged carbon shows nowhere, not as from bob, not as from carol.
        self.check(not any("forged line" in e["text"] for e in lines),
                   "a forged carbon was shown: %s" % lines, res, forger)
        # What Lyre sent reaches the phone as a <sent/> carbon, except the OTR line (XEP-0280 §6).
        phone_xml = phone.xml_received()
        self.check(any("<sent" in x and "plain words from lyre" in x for x in phone_xml),
                   "Lyre's line did not reach the phone as a carbon: %s" % phone_xml, phone)
        self.check(not any("?OTR" in x for x in phone_xml),
                   "an OTR line was copied to the phone: %s" % phone_xml, phone)
        self.check(any("?OTR" in x for x in carol.xml_received()),
                   "the OTR line did not reach carol", carol)


if __name__ == "__main__":
    unittest.main()
