# SPDX-License-Identifier: GPL-2.0-or-later
# A fast scripted XMPP peer (stdlib only) that sends and counts messages for the benchmarks.
"""A minimal, fast XMPP client for bench/: STARTTLS, SASL PLAIN, bind, messages, presence, ping.

Library use:

    peer = Peer("127.0.0.1", port, "example.test", "bob", "pw", ca_file)   # signs in
    t = peer.send_messages("alice@example.test", 20000)   # {"count", "start", "written", "end"}
    r = peer.receive_messages(20000, from_bare="bob@example.test")  # {"count", "first", "last"}
    p = peer.wait_presence("alice@example.test")          # {"from", "type", "time"}
    rtt = peer.ping()
    peer.close()

Command line:

    peer.py --port P --domain D --user U --password PW --ca CA [--resource R] [--timeout S]
            [--no-presence] COMMAND ...

    COMMAND is one of: send TO COUNT | receive COUNT [FROM] | wait-presence JID [unavailable]
                       | ping | serve

Every result is one JSON object per line on stdout: {"event": "ready", "jid": ...},
{"event": "sent", ...}, {"event": "received", ...}, {"event": "presence", ...},
{"event": "pong", ...}, {"event": "error", "error": ...}. `serve` signs in, prints "ready", then
reads the same commands line by line from stdin (plus `quit`) and keeps reading the XMPP stream
while idle, so messages and presences are time-stamped when they arrive, not when asked for.

Times are time.monotonic() seconds (comparable across processes on the same machine), taken
once per socket read: every stanza of one read shares the time that read returned.
"""

import argparse
import base64
import collections
import json
import os
import select
import socket
import ssl
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

DEFAULT_TIMEOUT = 120.0      # seconds for every wait unless told otherwise
SEND_BATCH = 500             # stanzas serialized per sendall()
READ_SIZE = 256 * 1024       # bytes per recv()
MAX_PENDING_MESSAGES = 2_000_000   # unclaimed received messages kept before the oldest go
MAX_PENDING_PRESENCES = 10_000     # unclaimed presences kept before the oldest go

NS_STREAM = "http://etherx.jabber.org/streams"
NS_CLIENT = "jabber:client"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session"
NS_PING = "urn:xmpp:ping"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"

T_FEATURES = "{%s}features" % NS_STREAM
T_STREAM_ERROR = "{%s}error" % NS_STREAM
T_MESSAGE = "{%s}message" % NS_CLIENT
T_PRESENCE = "{%s}presence" % NS_CLIENT
T_IQ = "{%s}iq" % NS_CLIENT
T_BODY = "{%s}body" % NS_CLIENT


class PeerError(Exception):
    """The peer could not do what it was asked (stream error, closed stream, bad answer)."""


class PeerTimeout(PeerError, TimeoutError):
    """A wait ran past its timeout."""


class PeerAuthError(PeerError):
    """SASL authentication failed (RFC 6120 section 6.5)."""


def bare(jid):
    return jid.split("/", 1)[0]


class Peer:
    """One signed-in XMPP session. The constructor connects and signs in (connect=False defers
    that to login()); every method is bounded by `timeout` seconds unless given its own."""

    def __init__(self, host, port, domain, user, password, ca_file, resource="peer",
                 timeout=DEFAULT_TIMEOUT, presence=True, connect=True):
        self.host, self.port, self.domain = host, port, domain
        self.user, self.password, self.ca_file = user, password, ca_file
        self.resource = resource
        self.timeout = timeout
        self.send_presence = presence
        self.jid = None
        self.sock = None
        self.closed = False
        self._tls = False
        self._parser = None
        self._depth = 0
        self._root = None
        self._stanzas = collections.deque()      # depth-1 elements during sign-in only
        self._collect = True                     # sign-in: keep every stanza in _stanzas
        self._now = 0.0
        self._messages = []                      # unclaimed (time, from) of <message><body>
        self._presences = collections.deque(maxlen=MAX_PENDING_PRESENCES)
        self._iq_waiting = set()                 # ids of our own IQs
        self._iq_answers = {}                    # id -> (time, element)
        self._next_id = 0
        if connect:
            self.login()

    # -- transport ---------------------------------------------------------------------------
    def _send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def _new_id(self, prefix):
        self._next_id += 1
        return "%s%d" % (prefix, self._next_id)

    def _restart(self):
        """Open a (new) stream: a fresh parser, then the stream header (RFC 6120 4.2, 4.3.3)."""
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0
        self._root = None
        self._send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                   "xmlns:stream='http://etherx.jabber.org/streams' to=%s version='1.0'>"
                   % quoteattr(self.domain))

    def fileno(self):
        return self.sock.fileno()

    def readable_now(self):
        """True when a read would not block on the network (TLS may hold decrypted bytes)."""
        return self._tls and self.sock.pending() > 0

    def pump(self, timeout):
        """Wait up to `timeout` s for data, read once and handle every stanza in it.

        Returns False if nothing arrived in time."""
        if not self.readable_now():
            ready, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
            if not ready:
                return False
        try:
            data = self.sock.recv(READ_SIZE)
        except (ssl.SSLWantReadError, BlockingIOError):
            return True
        except socket.timeout:
            raise PeerTimeout("read timed out") from None
        except OSError as e:
            self.closed = True
            raise PeerError("connection failed: %s" % e) from None
        if not data:
            self.closed = True
            raise PeerError("server closed the connection")
        self._now = time.monotonic()
        self._feed(data)
        return True

    def _feed(self, data):
        parser = self._parser
        try:
            parser.feed(data)
        except ET.ParseError as e:
            raise PeerError("XML error from server: %s" % e) from None
        depth = self._depth
        for event, elem in parser.read_events():
            if event == "start":
                depth += 1
                if depth == 1:
                    self._root = elem
            else:
                if depth == 2:
                    self._stanza(elem)
                elif depth == 1:
                    self.closed = True
                    self._depth = 0
                    raise PeerError("server closed the stream")
                depth -= 1
        self._depth = depth
        root = self._root
        if root is not None and len(root):
            # Done stanzas are handled; an unfinished one lives on in the tree builder's stack.
            del root[:]

    def _stanza(self, elem):
        tag = elem.tag
        if tag == T_MESSAGE:
            if elem.find(T_BODY) is not None and elem.get("type") != "error":
                self._messages.append((self._now, elem.get("from", "")))
                if len(self._messages) > MAX_PENDING_MESSAGES:
                    del self._messages[:len(self._messages) // 2]
        elif tag == T_PRESENCE:
            frm = elem.get("from", "")
            self._presences.append((self._now, bare(frm), frm, elem.get("type")))
        elif tag == T_IQ:
            self._iq(elem)
        elif tag == T_STREAM_ERROR:
            conditions = [c.tag.split("}", 1)[-1] for c in elem]
            raise PeerError("stream error: %s" % " ".join(conditions))
        elif self._collect:
            self._stanzas.append(elem)

    def _iq(self, elem):
        kind, iq_id = elem.get("type"), elem.get("id", "")
        if kind in ("result", "error"):
            if iq_id in self._iq_waiting:
                self._iq_answers[iq_id] = (self._now, elem)
            return
        if kind not in ("get", "set"):
            return
        # Answer requests so a client under test never waits for us (RFC 6120 8.2.3, 8.3).
        to = elem.get("from")
        attrs = " id=%s%s>" % (quoteattr(iq_id), " to=%s" % quoteattr(to) if to else "")
        child = elem[0] if len(elem) else None
        if kind == "get" and child is not None and child.tag == "{%s}query" % NS_DISCO_INFO:
            node = child.get("node")
            self._send("<iq type='result'" + attrs + "<query xmlns='%s'%s/></iq>"
                       % (NS_DISCO_INFO, " node=%s" % quoteattr(node) if node else ""))
        elif kind == "get" and child is not None and child.tag == "{%s}ping" % NS_PING:
            self._send("<iq type='result'" + attrs + "</iq>")
        else:
            self._send("<iq type='error'" + attrs + "<error type='cancel'><service-unavailable "
                       "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")

    def _wait(self, check, timeout, what):
        """Pump until check() returns something other than None; PeerTimeout after timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            result = check()
            if result is not None:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerTimeout("timed out waiting for %s" % what)
            self.pump(left)

    def _next_stanza(self, timeout, what):
        return self._wait(lambda: self._stanzas.popleft() if self._stanzas else None,
                          timeout, what)

    def _iq_request(self, xml_inner, to=None, kind="get", timeout=None, what="IQ result"):
        iq_id = self._new_id("q")
        self._iq_waiting.add(iq_id)
        try:
            self._send("<iq type='%s' id='%s'%s>%s</iq>"
                       % (kind, iq_id, " to=%s" % quoteattr(to) if to else "", xml_inner))
            when, elem = self._wait(lambda: self._iq_answers.pop(iq_id, None), timeout, what)
        finally:
            self._iq_waiting.discard(iq_id)
        if elem.get("type") != "result":
            err = elem.find("{%s}error" % NS_CLIENT)
            conds = [c.tag.split("}", 1)[-1] for c in err] if err is not None else []
            raise PeerError("%s failed: %s" % (what, " ".join(conds) or "error"))
        return when, elem

    # -- sign-in (RFC 6120 sections 5, 6, 7) --------------------------------------------------
    def login(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)

        def left():
            return max(0.01, deadline - time.monotonic())

        self.sock = socket.create_connection((self.host, self.port), timeout=left())
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self._sign_in(left)
        except BaseException:
            self._abort()
            raise

    def _features(self, left):
        elem = self._next_stanza(left(), "stream features")
        if elem.tag != T_FEATURES:
            raise PeerError("expected stream features, got %s" % elem.tag)
        return elem

    def _sign_in(self, left):
        self._restart()
        features = self._features(left)
        if features.find("{%s}starttls" % NS_TLS) is None:
            raise PeerError("server offers no STARTTLS")
        self._send("<starttls xmlns='%s'/>" % NS_TLS)
        answer = self._next_stanza(left(), "STARTTLS answer")
        if answer.tag != "{%s}proceed" % NS_TLS:
            raise PeerError("STARTTLS refused: %s" % answer.tag)
        context = ssl.create_default_context(cafile=self.ca_file)
        self.sock.settimeout(left())
        try:
            self.sock = context.wrap_socket(self.sock, server_hostname=self.domain)
        except ssl.SSLError as e:
            raise PeerError("TLS handshake failed: %s" % e) from None
        self._tls = True
        self._restart()
        features = self._features(left)
        mechs = [m.text for m in features.iter("{%s}mechanism" % NS_SASL)]
        if "PLAIN" not in mechs:
            raise PeerError("server offers no SASL PLAIN (offers %s)" % mechs)
        token = base64.b64encode(("\0%s\0%s" % (self.user, self.password)).encode()).decode()
        self._send("<auth xmlns='%s' mechanism='PLAIN'>%s</auth>" % (NS_SASL, token))
        answer = self._next_stanza(left(), "SASL answer")
        if answer.tag == "{%s}failure" % NS_SASL:
            conds = [c.tag.split("}", 1)[-1] for c in answer if not c.tag.endswith("}text")]
            raise PeerAuthError("authentication as %s failed: %s"
                                % (self.user, " ".join(conds) or "failure"))
        if answer.tag != "{%s}success" % NS_SASL:
            raise PeerError("unexpected SASL answer %s" % answer.tag)
        self._restart()
        features = self._features(left)
        if features.find("{%s}bind" % NS_BIND) is None:
            raise PeerError("server offers no resource binding")
        _, result = self._iq_request("<bind xmlns='%s'><resource>%s</resource></bind>"
                                     % (NS_BIND, escape(self.resource)), kind="set",
                                     timeout=left(), what="resource binding")
        jid = result.find("{%s}bind/{%s}jid" % (NS_BIND, NS_BIND))
        self.jid = jid.text if jid is not None else "%s@%s/%s" % (self.user, self.domain,
                                                                  self.resource)
        session = features.find("{%s}session" % NS_SESSION)
        if session is not None and session.find("{%s}optional" % NS_SESSION) is None:
            self._iq_request("<session xmlns='%s'/>" % NS_SESSION, kind="set", timeout=left(),
                             what="session")
        self._collect = False
        self._stanzas.clear()
        self.sock.settimeout(self.timeout)
        if self.send_presence:
            self.presence()

    # -- operations --------------------------------------------------------------------------
    def presence(self, kind=None):
        """Send presence: initial/available (kind None) or e.g. kind='unavailable'."""
        self._send("<presence/>" if kind is None else "<presence type=%s/>" % quoteattr(kind))

    def send_messages(self, to, count, body_fmt="Message {i} from the bench peer",
                      batch=SEND_BATCH, timeout=None):
        """Send `count` chat messages to `to` as fast as possible, then ping the server.

        Prosody handles one connection's stanzas in order, so the ping's answer means every
        message was routed. Returns {"count", "start", "written", "end"} (monotonic seconds:
        before the first byte, after the last sendall, when the ping answer arrived)."""
        head = "<message type='chat' to=%s id='b" % quoteattr(to)
        fmt = body_fmt.format
        start = time.monotonic()
        for first in range(0, count, batch):
            chunk = "".join("%s%d'><body>%s</body></message>" % (head, i, escape(fmt(i=i)))
                            for i in range(first, min(count, first + batch)))
            self._send(chunk)
            # Keep reading so the server never blocks on writing to us (bounces, presences).
            while self.readable_now() or self.pump(0):
                pass
        written = time.monotonic()
        end, _ = self._iq_request("<ping xmlns='%s'/>" % NS_PING, to=self.domain,
                                  timeout=timeout, what="ping after messages")
        return {"count": count, "start": start, "written": written, "end": end}

    def receive_messages(self, count, from_bare=None, timeout=None):
        """Claim `count` received <message/>s with a <body/> (only from from_bare if given).

        Messages that arrived earlier and were not claimed yet count too. Returns
        {"count", "first", "last"}: the arrival times of the first and last claimed one.
        Raises PeerTimeout (with .received set) if fewer arrive within timeout."""
        state = {"got": 0, "first": None, "last": None}
        kept = []

        def check():
            got = state["got"]
            if self._messages:
                batch, self._messages = self._messages, []
                for item in batch:
                    if got < count and (from_bare is None or bare(item[1]) == from_bare):
                        got += 1
                        if state["first"] is None:
                            state["first"] = item[0]
                        state["last"] = item[0]
                    else:
                        kept.append(item)
                state["got"] = got
            return True if got >= count else None

        try:
            self._wait(check, timeout, "%d messages" % count)
        except PeerTimeout as e:
            e.received = state["got"]
            e.args = ("timed out with %d of %d messages" % (state["got"], count),)
            raise
        finally:
            self._messages = kept + self._messages
        return {"count": state["got"], "first": state["first"], "last": state["last"]}

    def discard_messages(self):
        """Forget received messages nobody claimed yet; returns how many there were."""
        n = len(self._messages)
        self._messages = []
        return n

    def wait_presence(self, from_bare, available=True, timeout=None, since=None):
        """Wait for a presence from `from_bare` (available, or type='unavailable' if
        available=False). One that already arrived (at or after `since`, if given) and was
        not claimed counts; claiming it also forgets the older ones from that bare JID (e.g.
        the unavailable answer to the server's probe at sign-in, RFC 6121 4.3.2).
        Returns {"from": full JID, "type": type or None, "time": arrival}."""
        want = None if available else "unavailable"

        def check():
            items = list(self._presences)
            for n, item in enumerate(items):
                if item[1] == from_bare and item[3] == want and (since is None
                                                                 or item[0] >= since):
                    older = [p for p in items[:n] if p[1] != from_bare]
                    self._presences = collections.deque(older + items[n + 1:],
                                                        maxlen=MAX_PENDING_PRESENCES)
                    return {"from": item[2], "type": item[3], "time": item[0]}
            return None

        return self._wait(check, timeout, "presence from %s" % from_bare)

    def query(self, inner_xml, to=None, kind="get", timeout=None):
        """Send an IQ with the given payload; return the result <iq/> element (PeerError if
        the answer is an error, PeerTimeout if none comes)."""
        return self._iq_request(inner_xml, to=to, kind=kind, timeout=timeout,
                                what="IQ %s" % kind)[1]

    def ping(self, to=None, timeout=None):
        """XEP-0199 ping (to the server by default); returns the round trip in seconds."""
        start = time.monotonic()
        end, _ = self._iq_request("<ping xmlns='%s'/>" % NS_PING, to=to or self.domain,
                                  timeout=timeout, what="ping")
        return end - start

    def _abort(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.closed = True

    def close(self):
        """End the stream (RFC 6120 4.4) and close the socket."""
        if self.sock is None:
            return
        if not self.closed:
            try:
                self._send("</stream:stream>")
                # Give the server a moment to answer with its own </stream:stream>.
                deadline = time.monotonic() + 1.0
                while not self.closed and time.monotonic() < deadline:
                    self.pump(deadline - time.monotonic())
            except (PeerError, OSError):
                pass
        self._abort()
        self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# -- command line ------------------------------------------------------------------------------
def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def run_command(peer, words, timeout):
    """Run one command (a list of words); print and return its JSON event."""
    try:
        cmd = words[0]
        if cmd == "send" and len(words) == 3:
            result = peer.send_messages(words[1], int(words[2]), timeout=timeout)
            event = dict(event="sent", to=words[1], **result)
        elif cmd == "receive" and len(words) in (2, 3):
            frm = words[2] if len(words) == 3 else None
            event = dict(event="received", **peer.receive_messages(int(words[1]), frm, timeout))
        elif cmd == "wait-presence" and len(words) in (2, 3):
            available = not (len(words) == 3 and words[2] == "unavailable")
            event = dict(event="presence", **peer.wait_presence(words[1], available, timeout))
        elif cmd == "ping" and len(words) == 1:
            event = dict(event="pong", rtt=peer.ping(timeout=timeout))
        elif cmd == "discard" and len(words) == 1:
            event = dict(event="discarded", count=peer.discard_messages())
        else:
            event = dict(event="error", command=" ".join(words), error="bad command")
    except PeerTimeout as e:
        event = dict(event="error", command=" ".join(words), error=str(e), timeout=True)
        if hasattr(e, "received"):
            event["received"] = e.received
    except (PeerError, OSError, ValueError) as e:
        event = dict(event="error", command=" ".join(words), error=str(e))
    emit(**event)
    return event


def serve(peer, timeout):
    """Read commands from stdin; between them keep reading the stream so arrival times hold."""
    stdin = sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer
    fd = stdin.fileno()
    pending = b""
    while True:
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            words = line.decode("utf-8", "replace").split()
            if not words:
                continue
            if words[0] in ("quit", "close", "exit"):
                return 0
            event = run_command(peer, words, timeout)
            if peer.closed:
                return 1 if event["event"] == "error" else 0
        try:
            if peer.readable_now():
                peer.pump(0)
                continue
            ready, _, _ = select.select([fd, peer.sock], [], [])
            if peer.sock in ready:
                peer.pump(0)
        except (PeerError, OSError) as e:
            emit(event="error", command="idle", error=str(e))
            return 1
        if fd in ready:
            data = os.read(fd, 65536)
            if not data:
                return 0
            pending += data


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--resource", default="peer")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    ap.add_argument("--no-presence", action="store_true", help="do not send initial presence")
    ap.add_argument("command", nargs="+", help="send TO COUNT | receive COUNT [FROM] | "
                    "wait-presence JID [unavailable] | ping | serve")
    args = ap.parse_args(argv)
    try:
        peer = Peer(args.host, args.port, args.domain, args.user, args.password, args.ca,
                    args.resource, timeout=args.timeout, presence=not args.no_presence)
    except (PeerError, OSError) as e:
        emit(event="error", command="login", error=str(e),
             auth=isinstance(e, PeerAuthError), timeout=isinstance(e, TimeoutError))
        return 2
    emit(event="ready", jid=peer.jid)
    try:
        if args.command == ["serve"]:
            return serve(peer, args.timeout)
        return 0 if run_command(peer, args.command, args.timeout)["event"] != "error" else 1
    finally:
        peer.close()


if __name__ == "__main__":
    sys.exit(main())
