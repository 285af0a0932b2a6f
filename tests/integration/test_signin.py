# SPDX-License-Identifier: GPL-2.0-or-later
# Sign-in against a real private server (Prosody, or ejabberd with LYRE_TEST_SERVER=ejabberd):
# STARTTLS, Direct TLS, TLS 1.2 and 1.3, each SCRAM hash with and without channel binding, bad
# password, certificates, no TLS.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_signin.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)

LYRE_PROTOCOL=prpl-jabber runs the same cases against Pidgin's built-in XMPP plugin, which has
no CA-file or pin option: it always asks about our test certificate, so there the harness
answers "Accept" where Lyre must not ask at all.
"""

import os
import shutil
import ssl
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402
from prosody import cert_sha256  # noqa: E402
from servers import make_server, negotiated_tls, server_class  # noqa: E402

LYRE = protocol() == "prpl-lyre"
ALICE = "alice@example.test"
TIMEOUT = 20 if not os.environ.get("LYRE_HARNESS_WRAP") else 120


def base_settings(server, security="require_tls", port=None):
    settings = {"connect_server": "127.0.0.1", "port": port or server.c2s_port,
                "connection_security": security}
    if LYRE and server.ca_file:
        settings["lyre_ca_file"] = server.ca_file
    return settings


# prpl-jabber cannot be told to trust our CA: it asks, and the harness accepts once.
GOOD_CERT_ANSWER = "reject" if LYRE else "accept-once"


class ServerCase(unittest.TestCase):
    server_options = {}

    @classmethod
    def setUpClass(cls):
        cls.server = make_server(**cls.server_options)
        try:
            cls.server.start()
            cls.server.add_user("alice", "alice-secret")
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        self.mark = self.server.log_offset()
        self.client = Client(self.server, "alice", "alice-secret")

    def tearDown(self):
        self.client.cleanup()

    def log(self):
        """The server log written during this test only (the server is shared by the class)."""
        return self.server.log_text(since=self.mark)

    def check(self, cond, result, msg):
        if not cond:
            self.fail("%s\n%s\n--- %s log tail ---\n%s"
                      % (msg, result.describe(), self.server.kind, self.log()[-3000:]))

    def assert_signed_on(self, result, no_prompt=LYRE):
        self.check(result.returncode == 0 and result.has("signed-on"), result, "not signed on")
        self.check(not result.has("disconnected"), result, "disconnected after sign-on")
        if no_prompt:
            self.check(not result.of("request"), result, "unexpected request")

    def assert_refused(self, result, reason_prefixes):
        self.check(not result.has("signed-on"), result, "signed on but must not")
        disc = result.of("disconnected")
        self.check(len(disc) == 1, result, "no disconnected event")
        name = disc[0]["reason_name"]
        self.check(any(name.startswith("PURPLE_CONNECTION_ERROR_" + p) for p in reason_prefixes),
                   result, "unexpected reason %s (want %s)" % (name, reason_prefixes))
        return disc[0]


class TestTls(ServerCase):
    """Default server: STARTTLS required, Direct TLS port, certificate for example.test."""

    def test_starttls_scram(self):
        r = self.client.run(base_settings(self.server), cert_answer=GOOD_CERT_ANSWER,
                            timeout=TIMEOUT)
        self.assert_signed_on(r)
        # The session really is authenticated with SCRAM and bound on the server side.
        self.assertRegex(self.server.auth_mechanism(ALICE, self.mark) or "",
                         r"^SCRAM-SHA-(1|256|512)(-PLUS)?$")
        self.assertTrue(self.server.bound(ALICE + "/harness", self.mark))

    def test_direct_tls(self):
        r = self.client.run(base_settings(self.server, "old_ssl", self.server.direct_tls_port),
                            cert_answer=GOOD_CERT_ANSWER, resource="direct", timeout=TIMEOUT)
        self.assert_signed_on(r)
        self.assertTrue(self.server.bound(ALICE + "/direct", self.mark))

    def test_wrong_password_is_fatal(self):
        client = Client(self.server, "alice", "wrong-password")
        try:
            r = client.run(base_settings(self.server), cert_answer=GOOD_CERT_ANSWER,
                           wait_for="disconnected", timeout=TIMEOUT)
        finally:
            client.cleanup()
        d = self.assert_refused(r, ["AUTHENTICATION_FAILED"])
        self.assertEqual(d["reason"], 2)
        # Pidgin would not reconnect: the error is fatal.
        self.check(not r.has("would-reconnect"), r, "a wrong password must not reconnect")
        self.assertFalse(self.server.authenticated(ALICE, self.mark, timeout=0))

    def test_repeat_sign_in_reuses_scram_keys(self):
        """RFC 5802 §5.1: a second sign-in with the same password does no PBKDF2."""
        if not LYRE:
            self.skipTest("Lyre's key cache")
        settings = base_settings(self.server)
        accounts = os.path.join(self.client.home, "accounts.xml")
        used = "SCRAM keys from the cache"  # the core's log line (libpurple debug output)
        r1 = self.client.run(settings, timeout=TIMEOUT, extra=["--debug"])
        self.assert_signed_on(r1)
        self.check(used not in r1.stdout + r1.stderr, r1, "no keys on a first sign-in")
        with open(accounts) as f:
            self.assertIn("lyre_scram_cache", f.read())
        r2 = self.client.run(settings, timeout=TIMEOUT, extra=["--debug"])
        self.assert_signed_on(r2)
        self.check(used in r2.stdout + r2.stderr, r2, "the second sign-in ran PBKDF2")
        # Twin: the stored keys never stand in for a wrong password, and are dropped after it.
        wrong = Client(self.server, "alice", "wrong-password")
        shutil.rmtree(wrong.home)
        wrong.home = self.client.home
        r3 = wrong.run(settings, wait_for="disconnected", timeout=TIMEOUT, extra=["--debug"])
        self.assert_refused(r3, ["AUTHENTICATION_FAILED"])
        self.check(used not in r3.stdout + r3.stderr, r3, "keys used for another password")
        with open(accounts) as f:
            self.assertNotIn("lyre_scram_cache", f.read())


# Python's ssl names for the versions, and the server option that forces each.
TLS12, TLS13 = "TLSv1.2", "TLSv1.3"
TLS_PROTOCOL = {TLS12: "tlsv1_2", TLS13: "tlsv1_3"}
TLS_VERSION = {TLS12: ssl.TLSVersion.TLSv1_2, TLS13: ssl.TLSVersion.TLSv1_3}


class ScramCase:
    """Mixed into ServerCase: one SCRAM hash stored (so SCRAM-SHA-x, SCRAM-SHA-x-PLUS and PLAIN
    offered), one TLS version forced on both listeners. Which mechanism Lyre must use follows
    from the version:

    TLS 1.2: tls-unique is defined and both servers compute it; they offer -PLUS, Lyre binds.
    TLS 1.3: neither server advertises XEP-0440 (which binding it computes). Prosody 0.12
    offers no -PLUS there; ejabberd 23.01 offers it but computes its own tls-unique, where
    RFC 9266 says tls-exporter. A wrong guess fails like a wrong password, so without XEP-0440
    Lyre does not bind on TLS 1.3 and uses the same hash without -PLUS.
    """
    scram_hash = "SHA-1"
    tls_version = TLS12
    sasl_mechanisms = None  # all the server can offer
    skip_on = {}  # server kind -> why this case cannot run there

    @classmethod
    def setUpClass(cls):
        hashes = server_class().SCRAM_HASHES
        if cls.scram_hash not in hashes:
            raise unittest.SkipTest("%s has no SCRAM-%s (it implements %s)" % (
                server_class().kind, cls.scram_hash, ", ".join("SCRAM-" + h for h in hashes)))
        if cls.skip_on.get(server_class().kind):
            raise unittest.SkipTest(cls.skip_on[server_class().kind])
        cls.server_options = {"scram_hash": cls.scram_hash,
                              "tls_protocol": TLS_PROTOCOL[cls.tls_version]}
        if cls.sasl_mechanisms is not None:
            cls.server_options["sasl_mechanisms"] = cls.sasl_mechanisms
        super().setUpClass()

    def expected_mechanism(self):
        plus = self.tls_version == TLS12 and (self.sasl_mechanisms is None or any(
            m.endswith("-PLUS") for m in self.sasl_mechanisms))
        return "SCRAM-%s%s" % (self.scram_hash, "-PLUS" if plus else "")

    def sign_in(self, direct):
        if direct:
            settings = base_settings(self.server, "old_ssl", self.server.direct_tls_port)
        else:
            settings = base_settings(self.server)
        resource = "direct" if direct else "starttls"
        r = self.client.run(settings, cert_answer=GOOD_CERT_ANSWER, resource=resource,
                            timeout=TIMEOUT)
        self.assert_signed_on(r)
        self.check(self.server.bound("%s/%s" % (ALICE, resource), self.mark), r,
                   "no session bound on the server")
        mechanism = self.server.auth_mechanism(ALICE, self.mark)
        if LYRE:  # prpl-jabber has no -PLUS and its own preferences
            self.check(mechanism == self.expected_mechanism(), r, "authenticated with %s, not %s"
                       % (mechanism, self.expected_mechanism()))

    def test_server_speaks_only_this_version(self):
        """The fixture check: both listeners negotiate this version and refuse the other."""
        other = TLS13 if self.tls_version == TLS12 else TLS12
        for starttls in (True, False):
            self.assertEqual(negotiated_tls(self.server, starttls), self.tls_version)
            self.assertIsNone(negotiated_tls(self.server, starttls, TLS_VERSION[other],
                                             TLS_VERSION[other]))

    def test_starttls(self):
        self.sign_in(direct=False)

    def test_direct_tls(self):
        self.sign_in(direct=True)

    def test_wrong_password_is_fatal(self):
        """Also with channel binding: a refused password is not a refused binding."""
        client = Client(self.server, "alice", "wrong-password")
        try:
            r = client.run(base_settings(self.server), cert_answer=GOOD_CERT_ANSWER,
                           wait_for="disconnected", timeout=TIMEOUT)
        finally:
            client.cleanup()
        d = self.assert_refused(r, ["AUTHENTICATION_FAILED"])
        self.assertEqual(d["reason"], 2)
        self.check(not r.has("would-reconnect"), r, "a wrong password must not reconnect")
        self.assertFalse(self.server.authenticated(ALICE, self.mark, timeout=0))


class TestScramSha1Tls12(ScramCase, ServerCase):
    scram_hash, tls_version = "SHA-1", TLS12


class TestScramSha1Tls13(ScramCase, ServerCase):
    scram_hash, tls_version = "SHA-1", TLS13


class TestScramSha256Tls12(ScramCase, ServerCase):
    scram_hash, tls_version = "SHA-256", TLS12


class TestScramSha256Tls13(ScramCase, ServerCase):
    scram_hash, tls_version = "SHA-256", TLS13


class TestScramSha512Tls12(ScramCase, ServerCase):
    scram_hash, tls_version = "SHA-512", TLS12


class TestScramSha512Tls13(ScramCase, ServerCase):
    scram_hash, tls_version = "SHA-512", TLS13


class TestPlusNotOffered(ScramCase, ServerCase):
    """TLS 1.2 could bind, but the server offers no -PLUS: SCRAM with the 'y' flag (RFC 5802
    §6: "I could bind, you did not offer it"), which the server accepts since it offered none."""
    scram_hash, tls_version = "SHA-256", TLS12
    sasl_mechanisms = ["SCRAM-SHA-256", "PLAIN"]
    skip_on = {"prosody": "Prosody 0.12 refuses the 'y' flag whenever the connection could "
                          "bind (util/sasl/scram.lua), even with every -PLUS disabled: there "
                          "this configuration admits no client that supports channel binding"}


class TestOtherName(ServerCase):
    """The server presents a CA-signed certificate issued for other.test, not example.test."""

    server_options = {"cert_name": "other.test"}

    def test_refused_when_rejected(self):
        r = self.client.run(base_settings(self.server), cert_answer="reject",
                            wait_for="disconnected", timeout=TIMEOUT)
        self.check(len(r.of("request")) == 1, r, "expected exactly one certificate question")
        self.assert_refused(r, ["CERT_", "ENCRYPTION_ERROR"])
        self.assertFalse(self.server.authenticated(ALICE, self.mark, timeout=0))

    def test_always_accept_is_remembered(self):
        r = self.client.run(base_settings(self.server), cert_answer="always", timeout=TIMEOUT)
        self.assert_signed_on(r, no_prompt=False)
        self.check(len(r.of("request")) == 1, r, "expected one certificate question")
        # Second sign-in in the same purple home: no question, even though we would reject.
        r2 = self.client.run(base_settings(self.server), cert_answer="reject", timeout=TIMEOUT)
        self.assert_signed_on(r2, no_prompt=True)

    def test_explicit_pin_accepted(self):
        if not LYRE:
            self.skipTest("prpl-jabber has no pinned-certificate account option")
        settings = base_settings(self.server)
        settings["lyre_pinned_cert"] = cert_sha256(self.server.cert_file)
        r = self.client.run(settings, cert_answer="reject", timeout=TIMEOUT)
        self.assert_signed_on(r, no_prompt=True)

    def test_wrong_pin_refused(self):
        if not LYRE:
            self.skipTest("prpl-jabber has no pinned-certificate account option")
        settings = base_settings(self.server)
        settings["lyre_pinned_cert"] = ":".join(["AB"] * 32)
        r = self.client.run(settings, cert_answer="reject", wait_for="disconnected",
                            timeout=TIMEOUT)
        self.assert_refused(r, ["CERT_", "ENCRYPTION_ERROR"])


class TestNoTls(ServerCase):
    """A server with no certificate at all: no STARTTLS offered, plain auth allowed."""

    server_options = {"tls": False}

    def test_refused_under_require_tls(self):
        r = self.client.run(base_settings(self.server, "require_tls"), wait_for="disconnected",
                            timeout=TIMEOUT)
        d = self.assert_refused(r, ["ENCRYPTION_ERROR"])
        self.assertEqual(d["reason"], 5)
        self.assertFalse(self.server.authenticated(ALICE, self.mark, timeout=0))

    def test_accepted_opportunistic_with_plain_in_clear(self):
        settings = base_settings(self.server, "opportunistic_tls")
        settings["auth_plain_in_clear"] = "true"
        r = self.client.run(settings, timeout=TIMEOUT)
        self.assert_signed_on(r, no_prompt=True)
        self.assertTrue(self.server.bound(ALICE + "/harness", self.mark))


if __name__ == "__main__":
    unittest.main(verbosity=2)
