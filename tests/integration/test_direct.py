# SPDX-License-Identifier: GPL-2.0-or-later
# Direct file transfers (SI, XEP-0096, over SOCKS5 bytestreams, XEP-0065, or in-band
# bytestreams, XEP-0047) on a server with no upload service: Lyre and Pidgin's built-in plugin
# (prpl-jabber, in the same headless harness) send each other files both ways over each, and
# Lyre sends to Lyre. The test runs in a network namespace of its own (netns.py): the clients'
# streamhosts are on loopback, the only interface there.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_direct.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import hashlib
import os
import re
import socket
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import netns  # noqa: E402
import purple_home  # noqa: E402
from harness_client import protocol  # noqa: E402
from peer_client import Peer  # noqa: E402
from test_presence import PresenceCase  # noqa: E402

LYRE = protocol() == "prpl-lyre"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dead_port():
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(LYRE, "Lyre's direct transfers")
class DirectCase(PresenceCase):
    users = ("alice", "bob", "carol")

    @classmethod
    def setUpClass(cls):
        # Before the server and any thread: they all live in the namespace.
        cls.private_network = netns.enter_private_network()
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.server.make_mutual_roster("alice", "bob")
        self.files = tempfile.mkdtemp(prefix="lyre-direct-")
        self.inbox = tempfile.mkdtemp(prefix="lyre-inbox-")
        self.logs = tempfile.mkdtemp(prefix="lyre-debug-")

    def start_lyre(self, user):
        """user on Lyre, with libpurple's debug lines kept (h.debug_text())."""
        return self.start(user, debug_log=os.path.join(self.logs, user + ".log"))

    def start_jabber(self, user, public_ip=None):
        """user signed in with Pidgin's built-in plugin, trusting the server's certificate;
        public_ip: its Preferences > Network > Public IP (its streamhost's address), else it
        finds none in the namespace and sends in-band."""
        if not self.private_network:
            self.skipTest("needs a network namespace of its own (root)")
        home = tempfile.mkdtemp(prefix="lyre-purple-")
        purple_home.trust_peer_cert(home, "127.0.0.1", self.server.cert_file)
        h = self.start(user, home=home, proto="prpl-jabber")
        if public_ip:
            h.send("set-public-ip %s" % public_ip)
        return h

    def way(self, h, pattern):
        """The debug line of h's transfer matching pattern (a regex), or None."""
        m = re.search(pattern, h.debug_text())
        return m.group(0) if m else None

    def make_file(self, name, size):
        path = os.path.join(self.files, name)
        block = hashlib.sha256(name.encode()).digest() * 2048
        with open(path, "wb") as f:
            left = size
            while left > 0:
                f.write(block[:min(left, len(block))])
                left -= min(left, len(block))
        return path

    def online(self, h, jid):
        p = h.poll_presence(jid, lambda p: p["online"])
        self.check(p and p["online"], h, "%s not seen online" % jid)

    def transfer(self, sender, receiver, to, name, size=300000):
        """sender sends a file to `to` (a full JID); receiver accepts it into its inbox."""
        receiver.send("accept-files %s" % self.inbox)
        path = self.make_file(name, size)
        sender.send("send-file %s %s" % (to, path))
        got = receiver.wait(lambda e: e.get("event") in ("xfer-complete", "xfer-cancel"),
                            timeout=60)
        self.check(got and got["event"] == "xfer-complete", receiver, "receiving: %s" % got)
        sent = sender.wait(lambda e: e.get("event") in ("xfer-complete", "xfer-cancel"),
                           timeout=30)
        self.check(sent and sent["event"] == "xfer-complete", sender, "sending: %s" % sent)
        # A receiving prpl-jabber says "complete" before purple closes (flushes) the file.
        saved = os.path.join(self.inbox, name)
        for _ in range(100):
            if os.path.exists(saved) and os.path.getsize(saved) == size:
                break
            time.sleep(0.1)
        self.assertEqual(sha256(saved), sha256(path), "the file changed on the way")

    def test_lyre_to_pidgin_socks5(self):
        """Pidgin's plugin takes SOCKS5 bytestreams: it connects to Lyre's own streamhost."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob")
        self.online(a, self.jid("bob"))
        self.transfer(a, b, self.jid("bob") + "/harness", "to-pidgin.bin")
        self.check(self.way(a, "sending through our own streamhost"), a, "not over SOCKS5")

    def test_lyre_to_pidgin_in_band(self):
        """The receiver cannot reach the streamhost (its proxy is dead): it says so, and Lyre
        sends the file in-band instead."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob")
        b.send("set-proxy socks5 127.0.0.1 %d" % dead_port())
        self.online(a, self.jid("bob"))
        self.transfer(a, b, self.jid("bob") + "/harness", "to-pidgin-ibb.bin")
        self.check(self.way(a, "sending in-band"), a, "not in-band")
        self.check(not self.way(a, "sending through"), a, "SOCKS5 too")

    def test_pidgin_to_lyre_socks5(self):
        """Pidgin's plugin lists its own streamhost: Lyre connects to it and takes the file."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob", public_ip="127.0.0.1")
        self.online(b, self.jid("alice"))
        self.transfer(b, a, self.jid("alice") + "/harness", "from-pidgin.bin")
        self.check(self.way(a, r"receiving through %s/harness \(127\.0\.0\.1:\d+\)"
                            % re.escape(self.jid("bob"))), a, "not over SOCKS5")

    def test_pidgin_to_lyre_in_band(self):
        """Pidgin's plugin has no address to offer: it opens the in-band stream Lyre expects."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob")
        self.online(b, self.jid("alice"))
        self.transfer(b, a, self.jid("alice") + "/harness", "from-pidgin-ibb.bin")
        self.check(self.way(a, "receiving in-band"), a, "not in-band")

    def test_pidgin_to_lyre_unreachable(self):
        """Lyre cannot reach the sender's streamhost (the account's proxy is dead): it says
        none worked, and the sender's in-band stream brings the file."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob", public_ip="127.0.0.1")
        a.send("set-proxy socks5 127.0.0.1 %d" % dead_port())
        self.online(b, self.jid("alice"))
        self.transfer(b, a, self.jid("alice") + "/harness", "from-pidgin-fallback.bin")
        self.check(self.way(a, "waiting for in-band"), a, "SOCKS5 did not fail first")
        self.check(self.way(a, "receiving in-band"), a, "not in-band")

    def test_lyre_to_lyre_by_contact(self):
        """Send File on a contact (bare JID): the contact's online client gets it."""
        a, b = self.start("alice"), self.start("bob")
        self.online(a, self.jid("bob"))
        self.transfer(a, b, self.jid("bob"), "to-lyre.bin", size=1)

    def test_lyre_to_lyre_jingle(self):
        """Two Lyre clients: Jingle (XEP-0234) is offered, since the receiver's caps say it
        takes it, and the file arrives over its in-band bytestream."""
        a, b = self.start("alice"), self.start("bob")
        self.online(a, self.jid("bob"))
        a.wait(lambda e: False, timeout=2)  # bob's caps, learnt from his presence
        mark = len(self.server.log_text())
        self.transfer(a, b, self.jid("bob"), "jingle.bin", size=200000)
        if self.server.kind == "ejabberd":  # its log has whole stanzas; Prosody's the first line
            log = self.server.log_text()[mark:]
            self.assertIn("urn:xmpp:jingle:apps:file-transfer:5", log, "no Jingle offer")
            self.assertNotIn("http://jabber.org/protocol/si/profile/file-transfer", log)

    def test_bad_stream_ends_cleanly(self):
        """A sender whose blocks come out of order (a repeat, then a gap) or over the agreed
        size: the transfer ends with an error shown, nothing of the file is kept, and the
        harness stays well. Its twin: every transfer above arrives whole."""
        a = self.start("alice")
        a.send("accept-files %s" % self.inbox)
        to = self.jid("alice") + "/harness"
        ibb = "http://jabber.org/protocol/ibb"
        cases = [("gap", "<data xmlns='%s' sid='%%s' seq='5'>aGVsbG8=</data>" % ibb),
                 ("big", "<data xmlns='%s' sid='%%s' seq='1'>%s</data>"
                  % (ibb, "QUFB" * 30))]  # 90 bytes in a stream of 8-byte blocks
        for name, second in cases:
            sid = "bad-" + name
            offer = ("<iq xmlns='jabber:client' type='set' id='o-%s' to='%s'><si "
                     "xmlns='http://jabber.org/protocol/si' id='%s' profile='http://jabber.org/"
                     "protocol/si/profile/file-transfer'><file xmlns='http://jabber.org/protocol/"
                     "si/profile/file-transfer' name='%s.bin' size='100'/><feature "
                     "xmlns='http://jabber.org/protocol/feature-neg'><x xmlns='jabber:x:data' "
                     "type='form'><field var='stream-method' type='list-single'><option><value>"
                     "%s</value></option></field></x></feature></si></iq>"
                     % (name, to, sid, name, ibb))
            iq = "<iq xmlns='jabber:client' type='set' id='%%s' to='%s'>%%s</iq>" % to
            stanzas = [offer,
                       iq % ("open-" + name, "<open xmlns='%s' sid='%s' block-size='8' "
                                             "stanza='iq'/>" % (ibb, sid)),
                       iq % ("d0-" + name, "<data xmlns='%s' sid='%s' seq='0'>aGVsbG8=</data>"
                             % (ibb, sid)),
                       iq % ("d1-" + name, second % sid)]
            peer = Peer(self.server, self.jid("carol") + "/peer", "carol-secret",
                        stanzas=stanzas, stay=3, every=1.0)
            seen = {id(e) for e in a.events}
            end = a.wait(lambda e: id(e) not in seen and
                         e.get("event") in ("xfer-cancel", "xfer-complete"), timeout=20)
            self.check(end and end["event"] == "xfer-cancel", a, "%s: not ended: %s" % (name, end))
            n = a.wait(lambda e: id(e) not in seen and e.get("event") == "notify")
            self.check(n and "broke off" in n.get("secondary", "") + n.get("primary", ""), a,
                       "%s: no error shown: %s" % (name, n))
            peer.finish()
            saved = os.path.join(self.inbox, name + ".bin")
            self.assertFalse(os.path.exists(saved) and os.path.getsize(saved) > 0,
                             "%s: a partial file was kept" % name)

    def test_declined(self):
        """The receiver refuses: the sender's transfer ends as cancelled by the other side, and
        nothing is saved."""
        a, b = self.start("alice"), self.start("bob")
        self.online(a, self.jid("bob"))
        path = self.make_file("refused.bin", 1000)
        a.send("send-file %s %s" % (self.jid("bob") + "/harness", path))
        ask = b.wait(lambda e: e.get("event") == "request" and "refused.bin" in
                     e.get("primary", ""))
        self.check(ask and ask["answer"] == "cancel", b, "no question: %s" % ask)
        c = a.wait(lambda e: e.get("event") in ("xfer-cancel", "xfer-complete"))
        self.check(c and c["event"] == "xfer-cancel" and c["by"] == "remote", a,
                   "not refused: %s" % c)
        self.assertEqual(os.listdir(self.inbox), [])


if __name__ == "__main__":
    unittest.main()
