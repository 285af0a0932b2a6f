# SPDX-License-Identifier: GPL-2.0-or-later
# "Send File..." through HTTP File Upload (XEP-0363) against a real private server: Prosody's
# http_file_share or ejabberd's mod_http_upload, over HTTPS on loopback with the test CA. A
# headless Lyre sends, another receives the link; the file fetched back is byte-identical.
"""Run alone: LYRE_HARNESS=build/tests/integration/lyre-harness \
LYRE_PLUGIN_DIR=build/src/purple /usr/bin/python3 tests/integration/test_upload.py -v
(LYRE_TEST_SERVER=ejabberd for ejabberd.)
"""

import hashlib
import http.server
import os
import ssl
import sys
import tempfile
import threading
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness_client import protocol  # noqa: E402
from peer_client import Peer  # noqa: E402
from sample_files import make_file, sha256  # noqa: E402
from socks5_proxy import Socks5Proxy  # noqa: E402
from servers import make_server  # noqa: E402
from test_presence import PresenceCase  # noqa: E402

LYRE = protocol() == "prpl-lyre"
MIB = 1024 * 1024
LIMIT = 256 * MIB  # the service's max-file-size in this suite


def vm_hwm_kib(pid):
    """The process's peak resident memory (VmHWM), KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class UploadBase(PresenceCase):
    """A server with its upload service; files made for the test; the send helpers."""
    users = ("alice", "bob", "carol")

    @classmethod
    def setUpClass(cls):
        cls.server = make_server(extra_modules=["upload", "muc"], upload_max_bytes=LIMIT)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        for u in cls.users:
            cls.server.add_user(u, u + "-secret")
        cls.files = tempfile.mkdtemp(prefix="lyre-upload-")

    def make_file(self, name, size):
        return make_file(self.files, name, size)

    def fetch(self, url):
        ctx = ssl.create_default_context(cafile=self.server.ca_file)
        h = hashlib.sha256()
        with urllib.request.urlopen(url, context=ctx, timeout=60) as r:
            while True:
                chunk = r.read(1 << 20)
                if not chunk:
                    break
                h.update(chunk)
        return h.hexdigest()

    def wait_service(self, h, who):
        """The upload service is found a moment after sign-in (the server's items). Asked
        about a stranger, whom only an upload can reach (a contact online could also be sent
        the file directly)."""
        nobody = "nobody@%s" % self.server.host
        for i in range(50):
            h.send("can-send-file %s t%d" % (nobody, i))
            e = h.wait(lambda e: e.get("event") == "can-send-file" and e.get("tag") == "t%d" % i)
            if e and e["can"]:
                return True
            h.wait(lambda e: False, timeout=0.2)
        return False

    def send(self, a, b, path, timeout=120):
        """alice sends path to bob: the transfer completes, bob gets the link, and the file
        behind it is the same bytes."""
        bob = self.jid("bob")
        a.wait(lambda e: False, timeout=0.2)
        seen = {id(e) for e in a.events}
        a.send("send-file %s %s" % (bob, path))
        name = os.path.basename(path)
        done = a.wait(lambda e: id(e) not in seen and
                      e.get("event") in ("xfer-complete", "xfer-cancel", "notify"), timeout=timeout)
        self.check(done and done["event"] == "xfer-complete", a, "upload of %s: %s" % (name, done))
        self.check(done["sent"] == os.path.getsize(path), a, "bytes sent: %s" % done)
        got = b.wait(lambda e: e.get("event") == "im" and name in e.get("text", ""))
        self.check(got, b, "bob did not get the link to %s" % name)
        url = got["text"]
        if "href=" in url:
            url = url.split('href="', 1)[1].split('"', 1)[0]
        self.assertTrue(url.startswith("https://localhost:"), url)
        self.assertEqual(self.fetch(url), sha256(path), "the file changed on the way")
        shown = a.wait(lambda e: e.get("event") == "conv-write" and url in e.get("text", ""))
        self.check(shown, a, "alice's conversation does not show the link")
        return url


@unittest.skipUnless(LYRE, "Lyre's HTTP upload")
class UploadCase(UploadBase):

    def test_small_files_arrive_identical(self):
        a, b = self.start("alice"), self.start("bob")
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        sizes = [("empty.txt", 0), ("one.bin", 1), ("five.bin", 5 * MIB)]
        if self.server.kind == "ejabberd":
            # mod_http_upload takes no empty file (bad-request on size='0'): said, not lost.
            a.send("send-file %s %s" % (self.jid("bob"), self.make_file("empty.txt", 0)))
            n = a.wait(lambda e: e.get("event") == "notify")
            self.check(n and "size" in n.get("secondary", ""), a, "no clear refusal: %s" % n)
            self.check(a.wait(lambda e: e.get("event") == "xfer-cancel"), a, "not ended")
            sizes.pop(0)
        for name, size in sizes:
            self.send(a, b, self.make_file(name, size))

    def test_upload_through_socks5_proxy(self):
        """The account's SOCKS5 proxy (purple's proxy settings) carries the PUT: the proxy
        sees the upload service's address, and the file arrives the same."""
        a, b = self.start("alice"), self.start("bob")
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        proxy = Socks5Proxy()
        try:
            a.send("set-proxy socks5 127.0.0.1 %d" % proxy.port)
            self.send(a, b, self.make_file("proxied.bin", 300000))
            self.assertIn(("localhost", self.server.https_port), proxy.targets)
        finally:
            proxy.close()

    def test_file_to_room(self):
        """Send File in a room: the link goes to the room; bob reads it there, alice sees her
        line once (the room's echo), and the file behind it is the same bytes."""
        a, b = self.start("alice"), self.start("bob")
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        room = "files@%s" % self.server.muc_host
        for h, nick in ((a, "alice"), (b, "bob")):
            h.send("join-chat %s %s" % (room, nick))
            self.check(h.wait(lambda e: e.get("event") == "chat-joined"), h, "not in the room")
        b.wait(lambda e: e.get("event") == "chat-line" and "alice" in e.get("text", ""),
               timeout=5)
        path = self.make_file("room.bin", 100000)
        a.send("chat-send-file %s %s" % (room, path))
        done = a.wait(lambda e: e.get("event") in ("xfer-complete", "xfer-cancel", "notify"))
        self.check(done and done["event"] == "xfer-complete", a, "upload: %s" % done)
        got = b.wait(lambda e: e.get("event") == "chat-line" and "room.bin" in e.get("text", ""))
        self.check(got and got["who"] == "alice", b, "bob did not get the link in the room")
        url = got["text"]
        if "href=" in url:
            url = url.split('href="', 1)[1].split('"', 1)[0]
        self.assertEqual(self.fetch(url), sha256(path))
        a.wait(lambda e: False, timeout=1)
        mine = [e for e in a.events if e.get("event") == "chat-line" and
                url in e.get("text", "") and "system" not in e.get("flags", "")]
        self.check(len(mine) == 1 and "send" in mine[0]["flags"], a,
                   "alice's link shown %d times: %s" % (len(mine), mine))

    def test_large_file_streamed(self):
        """200 MB: arrives identical, and the sender's peak memory grows by at most 16 MiB
        (streamed from the file, never read whole)."""
        a, b = self.start("alice", timeout=300), self.start("bob", timeout=300)
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        path = self.make_file("large.bin", 200 * 1000 * 1000)
        before = vm_hwm_kib(a.proc.pid)
        self.send(a, b, path, timeout=240)
        grown = vm_hwm_kib(a.proc.pid) - before
        self.assertLessEqual(grown, 16 * 1024, "peak RSS grew by %d KiB" % grown)
        os.unlink(path)

    def test_too_large_refused(self):
        """Over the service's max-file-size: refused at once with the limit said; nothing is
        sent to bob. Its twin: the small files above go through."""
        a, b = self.start("alice"), self.start("bob")
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        path = os.path.join(self.files, "huge.bin")
        with open(path, "wb") as f:
            f.truncate(LIMIT + 1)  # sparse: no disk needed
        a.send("send-file %s %s" % (self.jid("bob"), path))
        n = a.wait(lambda e: e.get("event") == "notify")
        self.check(n and "too large" in (n.get("primary", "") + n.get("secondary", "")) and
                   str(LIMIT) in n.get("secondary", "") + n.get("primary", ""), a,
                   "no clear refusal: %s" % n)
        c = a.wait(lambda e: e.get("event") == "xfer-cancel")
        self.check(c and c["sent"] == 0, a, "the transfer did not end: %s" % c)
        self.assertIsNone(b.wait(lambda e: e.get("event") == "im", timeout=2))
        os.unlink(path)

    def test_cancelled_upload(self):
        """Cancelled halfway by the user: the transfer ends as cancelled, bob gets no link."""
        a, b = self.start("alice"), self.start("bob")
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        path = self.make_file("cancelled.bin", 150 * 1000 * 1000)
        a.send("send-file %s %s" % (self.jid("bob"), path))
        p = a.wait(lambda e: e.get("event") == "xfer-progress", timeout=60)
        self.check(p, a, "no progress shown")
        a.send("cancel-xfers")
        c = a.wait(lambda e: e.get("event") in ("xfer-cancel", "xfer-complete"))
        self.check(c and c["event"] == "xfer-cancel" and c["by"] == "local", a,
                   "not cancelled: %s" % c)
        self.assertIsNone(b.wait(lambda e: e.get("event") == "im", timeout=2))
        os.unlink(path)


class FileSite:
    """A plain HTTP server on loopback that serves one body at any path and counts requests."""

    def __init__(self, body):
        site = self
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                site.requests.append(("HEAD", self.path))
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()

            def do_GET(self):
                site.requests.append(("GET", self.path))
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def link_message(to, url):
    return ("<message xmlns='jabber:client' to='%s' type='chat'><body>%s</body>"
            "<x xmlns='jabber:x:oob'><url>%s</url></x></message>" % (to, url, url))


@unittest.skipUnless(LYRE, "Lyre's downloads")
class DownloadCase(UploadBase):
    """Links received: a contact's offered as a download (the size said first), fetched only
    once accepted, saved under a clean name (T57); a stranger's never fetched (T58)."""

    def setUp(self):
        super().setUp()
        self.server.make_mutual_roster("alice", "bob")
        self.dir = tempfile.mkdtemp(prefix="lyre-downloads-")

    def test_upload_then_download(self):
        """alice sends a file by upload; bob accepts the offer; the saved file is the same."""
        a, b = self.start("alice"), self.start("bob")
        b.send("accept-files %s" % self.dir)
        self.check(self.wait_service(a, self.jid("bob")), a, "no upload service found")
        path = self.make_file("offered.bin", 3 * MIB)
        self.send(a, b, path)
        ask = b.wait(lambda e: e.get("event") == "request" and e.get("kind") == "action" and
                     "offered.bin" in e.get("primary", ""))
        self.check(ask and "(3.00 MiB)" in ask["primary"] and ask["answer"] == "accept", b,
                   "the offer does not say the size: %s" % ask)
        done = b.wait(lambda e: e.get("event") in ("xfer-complete", "xfer-cancel") and
                      e.get("who") == self.jid("alice"), timeout=60)
        self.check(done and done["event"] == "xfer-complete", b, "download: %s" % done)
        self.assertEqual(sha256(os.path.join(self.dir, "offered.bin")), sha256(path))

    def test_t58_stranger_link_not_fetched(self):
        """carol is not on bob's list: her link is shown, nothing is fetched, nothing asked.
        The twin: the same link from alice (a contact) is looked at (HEAD) and offered."""
        b = self.start("bob")
        site = FileSite(b"x" * 1000)
        try:
            carol = Peer(self.server, self.jid("carol") + "/peer", "carol-secret",
                         stanzas=[link_message(self.jid("bob"), site.url("/s/stranger.jpg"))],
                         stay=3)
            got = b.wait(lambda e: e.get("event") == "im" and "stranger.jpg" in e.get("text", ""))
            self.check(got, b, "carol's link not shown")
            carol.finish()
            b.wait(lambda e: False, timeout=2)
            self.assertEqual(site.requests, [], "a stranger's link was fetched")
            self.assertFalse([e for e in b.events if e.get("event") == "request"])
            alice = Peer(self.server, self.jid("alice") + "/peer", "alice-secret",
                         stanzas=[link_message(self.jid("bob"), site.url("/s/friend.jpg"))],
                         stay=3)
            ask = b.wait(lambda e: e.get("event") == "request" and "friend.jpg" in
                         e.get("primary", ""))
            self.check(ask and ask["answer"] == "cancel", b, "alice's link not offered: %s" % ask)
            alice.finish()
            self.assertEqual(site.requests, [("HEAD", "/s/friend.jpg")])
        finally:
            site.close()

    def test_t57_names_sanitised(self):
        """A contact's link whose last segment climbs out of the folder or hides itself: the
        name offered and saved is a plain name inside the chosen folder."""
        b = self.start("bob")
        b.send("accept-files %s" % self.dir)
        site = FileSite(b"payload")
        try:
            url = site.url("/a/..%2f..%2f.bashrc")
            alice = Peer(self.server, self.jid("alice") + "/peer", "alice-secret",
                         stanzas=[link_message(self.jid("bob"), url)], stay=3)
            f = b.wait(lambda e: e.get("event") == "request" and e.get("kind") == "file")
            self.check(f and f["filename"] == "bashrc", b, "the name offered: %s" % f)
            done = b.wait(lambda e: e.get("event") in ("xfer-complete", "xfer-cancel"))
            self.check(done and done["event"] == "xfer-complete", b, "download: %s" % done)
            alice.finish()
            self.assertEqual(os.listdir(self.dir), ["bashrc"])
            with open(os.path.join(self.dir, "bashrc"), "rb") as fh:
                self.assertEqual(fh.read(), b"payload")
        finally:
            site.close()


if __name__ == "__main__":
    unittest.main()
