# SPDX-License-Identifier: GPL-2.0-or-later
# A silent link (the peer vanished, a NAT forgot us: no FIN, no RST, nothing) against a real
# private server (servers.py: Prosody, or ejabberd): the fault proxy silences the path in the
# middle of a session; Lyre notices within the budget (catalogue T63), resumes on a new
# connection, and nothing sent before or after is lost or doubled.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_dead_link.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from peer_client import Peer  # noqa: E402
from test_resume import ALICE_FULL, CAROL, CAROL_FULL, ALICE, ResumeBase  # noqa: E402

SILENCE_BUDGET_S = 45  # a silent link is noticed within this (the figure)


class DeadLinkCase(ResumeBase):
    # -- a silent link (the peer vanished, a NAT forgot us) ----------------------------------
    def test_silent_link_noticed_and_resumed(self):
        commands = ["wait 2", "im %s before" % CAROL, "wait %d" % (SILENCE_BUDGET_S + 12),
                    "im %s after" % CAROL, "wait 4"]
        alice, result = self.run_alice(commands, timeout=SILENCE_BUDGET_S + 60)
        self.wait_bound(ALICE_FULL)
        carol = Peer(self.server, CAROL_FULL, "carol-secret", [], stay=SILENCE_BUDGET_S + 20)
        time.sleep(3)
        silent_since = time.monotonic()
        self.proxy.silence_existing()  # the old path goes silent; a new one works
        reconnected = []
        deadline = silent_since + SILENCE_BUDGET_S + 15
        while time.monotonic() < deadline and not reconnected:
            time.sleep(0.25)
            reconnected = self.proxy.accepted_since(silent_since)
        carol.finish()
        alice.join(timeout=120)
        res = result.get("res")
        self.assertIsNotNone(res, "alice's harness did not finish")
        self.check(res.returncode == 0, "alice's harness failed", res, carol)
        self.check(reconnected, "the silent link was never noticed", res)
        took = reconnected[0] - silent_since
        # Noticed (<= 42 s of silence) and a new connection within the first try's 1-3 s.
        self.check(took <= SILENCE_BUDGET_S + 2, "noticed after %.1f s" % took, res)
        print("silent link: new connection %.1f s after the silence began" % took)
        self.assert_exactly_once_in_order(carol.bodies_from(ALICE), ["before", "after"],
                                          "alice's lines at carol", res, carol)
        self.assert_stayed_online(res)



if __name__ == "__main__":
    unittest.main()
