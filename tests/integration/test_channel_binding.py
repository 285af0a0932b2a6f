# SPDX-License-Identifier: GPL-2.0-or-later
# SCRAM channel binding against the real server LYRE_TEST_SERVER names (servers.py): bound on
# TLS 1.2 (tls-unique), and once bound, required: a later connection that cannot bind (here the
# same account on a TLS 1.3 server without XEP-0440, what an attacker terminating TLS would
# also look like) is refused, not silently downgraded, until the user unticks the option.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_channel_binding.py -v
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402
from servers import make_server  # noqa: E402

TIMEOUT = 20 if not os.environ.get("LYRE_HARNESS_WRAP") else 120
ALICE = "alice@example.test"
REQUIRE = "lyre_require_channel_binding"


def settings(server, **extra):
    values = {"connect_server": "127.0.0.1", "port": server.c2s_port,
              "connection_security": "require_tls", "lyre_ca_file": server.ca_file}
    values.update(extra)
    return values


class TestRequiredAfterFirstBinding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if protocol() != "prpl-lyre":
            raise unittest.SkipTest("Lyre's channel binding rules")
        cls.tls12 = make_server(tls_protocol="tlsv1_2")
        cls.tls13 = make_server(tls_protocol="tlsv1_3")
        for server in (cls.tls12, cls.tls13):
            server.start()
            server.add_user("alice", "alice-secret")

    @classmethod
    def tearDownClass(cls):
        cls.tls12.cleanup()
        cls.tls13.cleanup()

    def setUp(self):
        self.client = Client(self.tls12, "alice", "alice-secret")

    def tearDown(self):
        self.client.cleanup()

    def check(self, cond, result, msg):
        if not cond:
            self.fail("%s\n%s" % (msg, result.describe()))

    def accounts_xml(self):
        with open(os.path.join(self.client.home, "accounts.xml")) as f:
            return f.read()

    def run_on(self, server, wait_for="signed-on", **extra):
        self.client.server = server
        return self.client.run(settings(server, **extra), wait_for=wait_for, timeout=TIMEOUT)

    def test_downgrade_refused_until_unticked(self):
        mark12 = self.tls12.log_offset()
        r1 = self.run_on(self.tls12)
        self.check(r1.has("signed-on"), r1, "no sign-in on TLS 1.2")
        mechanism = self.tls12.auth_mechanism(ALICE, since=mark12)
        self.assertTrue(mechanism and mechanism.endswith("-PLUS"), mechanism)
        self.assertRegex(self.accounts_xml(),
                         r"<setting name='%s' type='bool'>1</setting>" % REQUIRE)

        # The same account where binding is impossible: refused before any password goes out.
        mark13 = self.tls13.log_offset()
        r2 = self.run_on(self.tls13, wait_for="disconnected")
        self.check(not r2.has("signed-on"), r2, "signed on without channel binding")
        disc = r2.of("disconnected")
        self.check(len(disc) == 1 and disc[0]["reason_name"] ==
                   "PURPLE_CONNECTION_ERROR_AUTHENTICATION_IMPOSSIBLE", r2, "wrong reason")
        self.assertIn("Require channel binding", disc[0]["text"])
        self.assertNotIn("password", disc[0]["text"])
        self.check(not r2.has("would-reconnect"), r2, "a refused downgrade must not reconnect")
        self.assertFalse(self.tls13.authenticated(ALICE, since=mark13, timeout=0))

        # Twin: the user unticks the option; TLS 1.3 without a known binding type signs in.
        r3 = self.run_on(self.tls13, **{REQUIRE: "false"})
        self.check(r3.has("signed-on"), r3, "no sign-in after unticking")
        mechanism = self.tls13.auth_mechanism(ALICE, since=mark13)
        self.assertTrue(mechanism and not mechanism.endswith("-PLUS"), mechanism)

    def test_tls13_alone_never_sets_the_requirement(self):
        mark = self.tls13.log_offset()
        r = self.run_on(self.tls13)
        self.check(r.has("signed-on"), r, "no sign-in on TLS 1.3")
        self.assertTrue(self.tls13.authenticated(ALICE, since=mark))
        self.assertNotRegex(self.accounts_xml(),
                            r"<setting name='%s' type='bool'>1</setting>" % REQUIRE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
