# SPDX-License-Identifier: GPL-2.0-or-later
# Trust the way libpurple users set it up: libpurple's CA pool, and "Always accept" kept in its
# tls_peers pool (Tools -> Certificates), where deleting it is honoured and where prpl-jabber's
# decisions already are. Against the server LYRE_TEST_SERVER names (servers.py).
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_trust.py -v

No test here sets lyre_ca_file: the test CA reaches Lyre only through libpurple's stores.
"""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402
from purple_home import trust_peer_cert  # noqa: E402
from servers import make_server  # noqa: E402

TIMEOUT = 20 if not os.environ.get("LYRE_HARNESS_WRAP") else 120


def settings(server):
    return {"connect_server": "127.0.0.1", "port": server.c2s_port,
            "connection_security": "require_tls"}


def tls_peers(home, name=None):
    directory = os.path.join(home, "certificates", "x509", "tls_peers")
    return directory if name is None else os.path.join(directory, name)


class TrustCase(unittest.TestCase):
    server_options = {}

    @classmethod
    def setUpClass(cls):
        if protocol() != "prpl-lyre":
            raise unittest.SkipTest("Lyre's trust rules")
        cls.server = make_server(**cls.server_options)
        cls.server.start()
        cls.server.add_user("alice", "alice-secret")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.client = Client(self.server, "alice", "alice-secret")

    def tearDown(self):
        self.client.cleanup()

    def check(self, cond, result, msg):
        if not cond:
            self.fail("%s\n%s" % (msg, result.describe()))

    def signed_on_without_asking(self, result):
        self.check(result.returncode == 0 and result.has("signed-on"), result, "not signed on")
        self.check(not result.of("request"), result, "asked about the certificate")

    def asked_and_refused(self, result):
        self.check(not result.has("signed-on"), result, "signed on without asking")
        self.check(len(result.of("request")) == 1, result, "expected one certificate question")
        disc = result.of("disconnected")
        self.check(len(disc) == 1 and disc[0]["reason_name"].startswith(
            "PURPLE_CONNECTION_ERROR_CERT_"), result, "not refused for the certificate")
        return result.of("request")[0]


class TestPurpleCaPool(TrustCase):
    """The server's certificate is issued by the test CA, which the system does not know."""

    def test_ca_in_purple_store_is_trusted(self):
        ca_dir = os.path.join(self.client.home, "certificates", "x509", "ca")
        os.makedirs(ca_dir)
        shutil.copy(self.server.ca_file, os.path.join(ca_dir, "organisation-ca.pem"))
        r = self.client.run(settings(self.server), cert_answer="reject", timeout=TIMEOUT)
        self.signed_on_without_asking(r)

    def test_without_it_the_user_is_asked(self):
        r = self.client.run(settings(self.server), cert_answer="reject",
                            wait_for="disconnected", timeout=TIMEOUT)
        request = self.asked_and_refused(r)
        self.assertIn("not signed by a trusted authority", request["secondary"])


class TestAcceptedStore(TrustCase):
    """The certificate names other.test, not example.test: no CA makes it right, only the
    user's "Always accept"."""

    server_options = {"cert_name": "other.test"}

    def test_always_accept_lives_in_tls_peers(self):
        r1 = self.client.run(settings(self.server), cert_answer="always", timeout=TIMEOUT)
        self.check(r1.has("signed-on") and len(r1.of("request")) == 1, r1, "first sign-in")
        stored = tls_peers(self.client.home, "example.test")
        self.assertTrue(os.path.exists(stored), "nothing in tls_peers: %s"
                        % os.listdir(tls_peers(self.client.home)))
        with open(stored) as f:
            self.assertIn("BEGIN CERTIFICATE", f.read())
        with open(os.path.join(self.client.home, "accounts.xml")) as f:
            self.assertNotIn("lyre_pinned_cert", f.read())
        # Remembered: no question, although the harness would reject.
        r2 = self.client.run(settings(self.server), cert_answer="reject", timeout=TIMEOUT)
        self.signed_on_without_asking(r2)
        # Deleted in Tools -> Certificates: asked again.
        os.remove(stored)
        r3 = self.client.run(settings(self.server), cert_answer="reject",
                             wait_for="disconnected", timeout=TIMEOUT)
        self.asked_and_refused(r3)

    def test_prpl_jabber_decision_is_kept(self):
        # prpl-jabber keeps it under the connect server when one is set, else the domain.
        for name in ("127.0.0.1", "example.test"):
            shutil.rmtree(tls_peers(self.client.home), ignore_errors=True)
            trust_peer_cert(self.client.home, name, self.server.cert_file)
            r = self.client.run(settings(self.server), cert_answer="reject", timeout=TIMEOUT)
            self.signed_on_without_asking(r)

    def test_other_stored_certificate_is_no_pass(self):
        # Twin: what is kept for this server is another certificate (here: the CA's).
        trust_peer_cert(self.client.home, "example.test", self.server.ca_file)
        r = self.client.run(settings(self.server), cert_answer="reject",
                            wait_for="disconnected", timeout=TIMEOUT)
        request = self.asked_and_refused(r)
        self.assertIn("differs from the one you chose to always accept", request["secondary"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
