# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin speaks the user's language: under LANGUAGE=fr an account option and a sign-in
# error read in French (po/fr.po, compiled by the build into build/po, which LYRE_LOCALEDIR
# points the plugin at); the same runs without LANGUAGE read in English. No XMPP server: the
# error is a refused connection. C.UTF-8 is enough (glibc ignores LANGUAGE only in "C").
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness LYRE_PLUGIN_DIR=build/src/purple \
LYRE_LOCALEDIR=build/po /usr/bin/python3 tests/integration/test_i18n.py -v
"""

import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_client import Client, protocol  # noqa: E402


class Address:
    """What harness_client.Client needs of a server: the account's domain."""
    host = "example.test"


def closed_port():
    """A loopback port where nothing listens: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LanguageCase(unittest.TestCase):
    def setUp(self):
        if protocol() != "prpl-lyre":
            self.skipTest("Lyre's own translations")
        localedir = os.environ.get("LYRE_LOCALEDIR", "")
        if not os.path.exists(os.path.join(localedir, "fr", "LC_MESSAGES", "purple-lyre.mo")):
            self.fail("no compiled French catalogue in LYRE_LOCALEDIR=%r" % localedir)
        self.client = Client(Address(), "alice", "alice-secret")

    def tearDown(self):
        self.client.cleanup()

    def env(self, language):
        env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_MESSAGES")}
        env["LC_ALL"] = "C.UTF-8"
        if language:
            env["LANGUAGE"] = language
        return env

    def options(self, language):
        r = self.client.run(extra=["--dump-options"], env=self.env(language), timeout=10)
        self.assertEqual(r.returncode, 0, r.describe())
        return {e["setting"]: e["text"] for e in r.of("account-option") if e["setting"]}, r

    def refused(self, language):
        r = self.client.run({"connect_server": "127.0.0.1", "port": closed_port()},
                            wait_for="disconnected", timeout=20, env=self.env(language))
        disc = r.of("disconnected")
        self.assertEqual(len(disc), 1, r.describe())
        return disc[0]["text"], r

    def test_option_in_french(self):
        options, r = self.options("fr")
        self.assertEqual(options.get("connection_security"), "Sécurité de la connexion",
                         r.describe())
        self.assertEqual(options.get("lyre_require_channel_binding"),
                         "Exiger la liaison de canal (activé après la première connexion qui "
                         "l’utilise)", r.describe())

    def test_option_in_english(self):
        options, r = self.options(None)
        self.assertEqual(options.get("connection_security"), "Connection security", r.describe())

    def test_error_in_french(self):
        text, r = self.refused("fr")
        self.assertTrue(text.startswith("Connexion impossible\u00a0: "), r.describe())

    def test_error_in_english(self):
        text, r = self.refused(None)
        self.assertTrue(text.startswith("Unable to connect: "), r.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2)
