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
from sample_files import make_file, sha256  # noqa: E402
from servers import make_server  # noqa: E402
from socks5_proxy import Socks5Proxy  # noqa: E402
from test_presence import PresenceCase  # noqa: E402

LYRE = protocol() == "prpl-lyre"


def dead_port():
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DirectBase(PresenceCase):
    """What the transfer cases share: their network, server, clients and checks."""
    users = ("alice", "bob", "carol")
    # The server's own SOCKS5 proxy (XEP-0065 §6), among its items.
    server_options = {"extra_modules": ["proxy65"]}

    @classmethod
    def setUpClass(cls):
        # Before the server and any thread: they all live in the namespace.
        cls.private_network = netns.enter_private_network()
        cls.server = make_server(**cls.server_options)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for u in cls.users:
            cls.server.add_user(u, u + "-secret")

    def setUp(self):
        super().setUp()
        self.server.make_mutual_roster("alice", "bob")
        self.files = tempfile.mkdtemp(prefix="lyre-direct-")
        self.inbox = tempfile.mkdtemp(prefix="lyre-inbox-")

    def start_lyre(self, user):
        """user on Lyre, with libpurple's debug lines kept (h.debug_text())."""
        return self.start(user, debug=True)

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

    def relay_only_to_proxy(self, h):
        """h (prpl-jabber) reaches nothing but the server's proxy: its own proxy (purple's
        settings) refuses every other port, as a firewall would. The relay, to check on."""
        relay = Socks5Proxy(only_ports={self.server.proxy_port})
        self.addCleanup(relay.close)
        h.send("set-proxy socks5 127.0.0.1 %d" % relay.port)
        return relay

    def make_file(self, name, size):
        return make_file(self.files, name, size)

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



@unittest.skipUnless(LYRE, "Lyre's direct transfers")
class DirectCase(DirectBase):
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

    def test_pidgin_to_lyre_unreachable(self):
        """Lyre cannot reach the sender's streamhost nor the server's proxy (the account's
        proxy is dead): it says none worked, and the sender's in-band stream brings the
        file."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob", public_ip="127.0.0.1")
        a.send("set-proxy socks5 127.0.0.1 %d" % dead_port())
        self.online(b, self.jid("alice"))
        self.transfer(b, a, self.jid("alice") + "/harness", "from-pidgin-fallback.bin")
        self.check(self.way(a, "waiting for in-band"), a, "SOCKS5 did not fail first")
        self.check(self.way(a, "receiving in-band"), a, "not in-band")

    def test_lyre_to_pidgin_through_server_proxy(self):
        """The receiver reaches only the server's proxy (its own proxy lets nothing else
        through): Lyre, which listed the proxy it found among the server's items after its own
        streamhost, connects to it too and activates it."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob")
        relay = self.relay_only_to_proxy(b)
        self.online(a, self.jid("bob"))
        self.transfer(a, b, self.jid("bob") + "/harness", "via-proxy.bin")
        self.check(self.way(a, "sending through %s" % re.escape(self.server.proxy_host)), a,
                   "not through the server's proxy")
        self.assertTrue(relay.refused, "the receiver never tried Lyre's own streamhost")

    def test_pidgin_to_lyre_through_server_proxy(self):
        """The sender's own address cannot be reached (192.0.2.1, no route here): Lyre goes on
        to the next host it listed, the server's proxy."""
        a = self.start_lyre("alice")
        b = self.start_jabber("bob", public_ip="192.0.2.1")
        self.online(b, self.jid("alice"))
        self.transfer(b, a, self.jid("alice") + "/harness", "from-pidgin-proxy.bin")
        self.check(self.way(a, r"receiving through %s \(127\.0\.0\.1:%d\)"
                            % (re.escape(self.server.proxy_host), self.server.proxy_port)), a,
                   "not through the server's proxy")

    def si_offer(self, sid, name, to):
        """A raw SI offer of name (100 bytes) to `to`, over SOCKS5 bytestreams only."""
        return ("<iq xmlns='jabber:client' type='set' id='o-%s' to='%s'><si "
                "xmlns='http://jabber.org/protocol/si' id='%s' profile='http://jabber.org/"
                "protocol/si/profile/file-transfer'><file xmlns='http://jabber.org/protocol/"
                "si/profile/file-transfer' name='%s' size='100'/><feature "
                "xmlns='http://jabber.org/protocol/feature-neg'><x xmlns='jabber:x:data' "
                "type='form'><field var='stream-method' type='list-single'><option><value>"
                "http://jabber.org/protocol/bytestreams</value></option></field></x></feature>"
                "</si></iq>" % (sid, to, sid, name))

    def host_list(self, sid, to, hosts):
        return ("<iq xmlns='jabber:client' type='set' id='hosts-%s' to='%s'><query "
                "xmlns='http://jabber.org/protocol/bytestreams' sid='%s' mode='tcp'>%s</query>"
                "</iq>" % (sid, to, sid, "".join(
                    "<streamhost jid='h%d@%s/x' host='127.0.0.1' port='%d'/>"
                    % (i, self.server.host, port) for i, port in enumerate(hosts))))

    def ports_tried(self, h):
        """The ports h connected to, other than its server's."""
        return [int(p) for p in re.findall(r"proxy: Connecting to 127\.0\.0\.1:(\d+) with",
                                           h.debug_text()) if int(p) != self.server.c2s_port]

    def test_dead_streamhosts(self):
        """T55: a sender lists 100 streamhosts that all refuse: Lyre tries a bounded number of
        them, then tells the sender none worked (item-not-found), within seconds."""
        a = self.start_lyre("alice")
        a.send("accept-files %s" % self.inbox)
        to = self.jid("alice") + "/harness"
        dead = [dead_port() for _ in range(100)]
        peer = Peer(self.server, self.jid("carol") + "/peer", "carol-secret",
                    stanzas=[self.si_offer("dead", "dead.bin", to),
                             self.host_list("dead", to, dead)], stay=6, every=1.0)
        peer.finish()
        answers = [x for x in peer.iq_received() if "hosts-dead" in x]
        self.assertTrue(answers and "item-not-found" in answers[0],
                        "no item-not-found for the list: %s" % peer.iq_received())
        tried = self.ports_tried(a)
        self.assertEqual(tried, dead[:8], "not the first 8 hosts, in order, once each")
        a.send("cancel-xfers")
        end = a.wait(lambda e: e.get("event") in ("xfer-cancel", "xfer-complete"), timeout=10)
        self.check(end and end["event"] == "xfer-cancel", a, "not cancelled: %s" % end)

    def test_streamhost_cancelled_mid_connect(self):
        """T55: the user cancels while Lyre waits on a host that took the connection and never
        answers the SOCKS5 greeting: the transfer ends at once, the sender's list is refused,
        nothing is kept, and the client goes on working (the next offer is asked)."""
        a = self.start_lyre("alice")
        a.send("accept-files %s" % self.inbox)
        to = self.jid("alice") + "/harness"
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        hosts = [silent.getsockname()[1]] + [dead_port() for _ in range(99)]
        peer = Peer(self.server, self.jid("carol") + "/peer", "carol-secret",
                    stanzas=[self.si_offer("slow", "slow.bin", to),
                             self.host_list("slow", to, hosts)], stay=5, every=1.0)
        asked = a.wait(lambda e: e.get("event") == "request" and e.get("kind") == "file" and
                       e.get("filename") == "slow.bin", timeout=20)
        self.check(asked, a, "the offer was not taken")
        for _ in range(50):  # until Lyre has connected to the silent host
            if self.ports_tried(a):
                break
            time.sleep(0.1)
        self.assertEqual(self.ports_tried(a), hosts[:1])
        a.send("cancel-xfers")
        end = a.wait(lambda e: e.get("event") in ("xfer-cancel", "xfer-complete"), timeout=5)
        self.check(end and end["event"] == "xfer-cancel" and end["by"] == "local", a,
                   "not cancelled: %s" % end)
        peer.finish()
        answers = [x for x in peer.iq_received() if "hosts-slow" in x]
        self.assertTrue(answers and "not-acceptable" in answers[0],
                        "the list was not refused: %s" % peer.iq_received())
        self.assertFalse(os.path.exists(os.path.join(self.inbox, "slow.bin")))
        seen = {id(e) for e in a.events}
        again = Peer(self.server, self.jid("carol") + "/peer2", "carol-secret",
                     stanzas=[self.si_offer("next", "next.bin", to)], stay=2, every=1.0)
        ask = a.wait(lambda e: id(e) not in seen and e.get("event") == "request" and
                     "next.bin" in e.get("primary", ""), timeout=20)
        again.finish()
        self.check(ask, a, "the next offer was not asked")

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


@unittest.skipUnless(LYRE, "Lyre's direct transfers")
class NamedProxyCase(DirectBase):
    """A proxy the server does not list (not under its domain): only the account's "File
    transfer proxies" lead to it."""
    server_options = {"extra_modules": ["proxy65"], "proxy65_host": "relay.test"}

    def test_lyre_to_pidgin_through_named_proxy(self):
        a, b = self.start_lyre("alice"), self.start_jabber("bob")
        a.send("set-ft-proxies %s" % self.server.proxy_host)
        relay = self.relay_only_to_proxy(b)
        self.online(a, self.jid("bob"))
        self.transfer(a, b, self.jid("bob") + "/harness", "via-named-proxy.bin")
        self.check(self.way(a, "sending through relay\\.test"), a, "not through relay.test")
        self.assertTrue(relay.refused, "the receiver never tried Lyre's own streamhost")

    def test_unnamed_proxy_not_found(self):
        """The twin: without the setting the proxy stays unknown, and the receiver that can
        reach only it gets the file in-band."""
        a, b = self.start_lyre("alice"), self.start_jabber("bob")
        self.relay_only_to_proxy(b)
        self.online(a, self.jid("bob"))
        self.transfer(a, b, self.jid("bob") + "/harness", "no-named-proxy.bin")
        self.check(self.way(a, "sending in-band"), a, "not in-band")
        self.check(not self.way(a, r"relay\.test"), a, "the unlisted proxy was found")


if __name__ == "__main__":
    unittest.main()
