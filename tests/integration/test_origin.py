# SPDX-License-Identifier: GPL-2.0-or-later
# Origin checks against a real second account on the private server (servers.py: Prosody, or
# ejabberd): a third party's roster push and block-list push reach Lyre through the server and
# change nothing (T34); the positive twins (pushes from our own account) are in test_roster.py
# and test_privacy.py.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_origin.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)"""

import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402
from servers import make_server  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LYRE = protocol() == "prpl-lyre"
SLOW = bool(os.environ.get("LYRE_HARNESS_WRAP"))
SCALE = 6 if SLOW else 1


@unittest.skipUnless(LYRE, "Lyre's harness commands")
class OriginCase(unittest.TestCase):
    def setUp(self):
        self.server = make_server(extra_modules=["blocklist"])
        self.addCleanup(self.server.cleanup)
        self.server.start()
        for user in ("alice", "bob", "mallory"):
            self.server.add_user(user, user + "-secret")
        self.alice = Client(self.server, "alice", "alice-secret")

    def tearDown(self):
        self.alice.cleanup()
        self.server.cleanup()

    def mallory_sends(self, xml, delay):
        """mallory (a real account on the same server) sends raw stanzas after `delay` s."""
        time.sleep(delay)
        return subprocess.Popen(
            ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"), "--jid",
             "mallory@example.test/evil", "--password", "mallory-secret", "--port",
             str(self.server.c2s_port), "--ca", self.server.ca_file, "--send-xml", xml,
             "--stay", "2", "--timeout", "30"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def assert_delivered(self, stanza_id):
        """The spoof really reached alice's session through the server (so the test can fail)."""
        self.assertTrue(self.server.delivered(stanza_id),
                        "the server never delivered %s to alice" % stanza_id)

    def run_alice(self, commands, spoof):
        settings = {"connect_server": "127.0.0.1", "port": self.server.c2s_port,
                    "connection_security": "require_tls", "lyre_ca_file": self.server.ca_file}
        peer = {}
        t = threading.Thread(target=lambda: peer.setdefault("p", self.mallory_sends(
            spoof, 2 * SCALE)))
        t.start()
        r = self.alice.run(settings, stdin_text="\n".join(commands) + "\n",
                           timeout=40 * SCALE)
        t.join()
        out, err = peer["p"].communicate(timeout=60)
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertTrue(r.has("signed-on"), r.describe())
        return r, out

    def test_T34_roster_push_from_third_party(self):
        spoof = ("<iq type='set' id='push1' to='alice@example.test/harness'>"
                 "<query xmlns='jabber:iq:roster'><item jid='mallory@example.test' "
                 "name='Your Bank' subscription='both'><group>Family</group></item>"
                 "</query></iq>")
        r, peer_out = self.run_alice(["wait %d" % (6 * SCALE), "dump-buddies spoof", "quit"],
                                     spoof)
        self.assert_delivered("push1")
        jids = [e["jid"] for e in r.of("buddy") if e.get("tag") == "spoof"]
        self.assertNotIn("mallory@example.test", jids,
                         "a roster push from another account changed the buddy list")
        self.assertTrue(r.of("buddies-end"), r.describe())

    def test_T34_block_push_from_third_party(self):
        spoof = ("<iq type='set' id='block1' to='alice@example.test/harness'>"
                 "<block xmlns='urn:xmpp:blocking'><item jid='bob@example.test'/></block></iq>")
        r, peer_out = self.run_alice(["wait %d" % (6 * SCALE), "deny-list", "quit"], spoof)
        self.assert_delivered("block1")
        lists = r.of("deny-list")
        self.assertTrue(lists, r.describe())
        self.assertNotIn("bob@example.test", lists[-1]["jids"],
                         "a block push from another account blocked bob")


if __name__ == "__main__":
    unittest.main(verbosity=2)
