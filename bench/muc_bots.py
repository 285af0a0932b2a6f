# SPDX-License-Identifier: GPL-2.0-or-later
# Many room occupants from one connection: an external component (XEP-0114) for the benchmarks.
"""Room occupants for bench/run-bench without one client connection each (stdlib only).

One external component connection (XEP-0114) to a Prosody `Component "bots.<host>"` with a
`component_secret`; every bot is a JID of that component, u<i>@bots.<host>/r, and joins a room
as nick<i>. The room service routes each as a distinct real JID, so a room can hold 1,000
occupants for the price of one socket.

    bots = Bots("127.0.0.1", component_port, "bots.example.test", "secret", "example.test")
    bots.join("room@rooms.example.test", range(0, 10))        # nick0..nick9 (u0 creates it)
    bots.configure_room("room@rooms.example.test", 0,        # u0 made it: its owner
                        {"muc#roomconfig_defaulthistorymessages": 1000})
    bots.say("room@rooms.example.test", range(0, 10), 1000)   # 1,000 messages, round robin
    bots.join("room@rooms.example.test", range(10, 1000))
    bots.ping()                                               # Prosody has done all of it
    bots.arm_probe("room@rooms.example.test", "alice", 0, "hello")  # see below
    bots.close()

Every stanza the server sends the component is read as it comes, so Prosody never waits on
this socket: one thread reads (and times each read), another parses; presences and messages
are counted and dropped, IQ requests answered with an error, our own IQs' answers handed
back. Prosody handles one connection's stanzas in order and its room service synchronously,
so when the answer to a ping sent after a batch arrives, the room has handled the whole batch
(every message is in its history and archive).

arm_probe(room, nick, bot, text): when the room announces nick's arrival to the bots (the
join's presence broadcast, which the room sends after it queued the occupant list and the
history for the newcomer), bot says `text` at once ("no-store": it joins neither the history nor
the archive). probe_times() gives the time.monotonic() it was written ("sent") and the time the
room's first copy of it came back to the bots ("echo"). Prosody queues every copy of a message
it broadcasts (ours, the newcomer's) and writes them all in the same turn of its loop, after
the whole broadcast, so the echo is when the newcomer's copy reached its socket too (if the
server does not hold small writes back: Nagle's algorithm off). The reading thread looks for
the newcomer's presence and for the echo in the raw bytes of each read, before any parsing, and
this object lowers Python's thread switch interval while it lives, so the times are within
about a millisecond of the data's arrival.
"""

import hashlib
import queue
import socket
import sys
import threading
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

NS_ACCEPT = "jabber:component:accept"
NS_STREAM = "http://etherx.jabber.org/streams"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner"
NS_PING = "urn:xmpp:ping"
READ_SIZE = 256 * 1024
BATCH = 500  # stanzas per sendall()
DEFAULT_TIMEOUT = 120.0
SWITCH_INTERVAL = 0.0005  # s: how long the reading thread may wait for the parsing one


class BotsError(Exception):
    pass


def handshake_digest(stream_id, secret):
    """XEP-0114 §3: the hex SHA-1 of the stream id followed by the shared secret."""
    return hashlib.sha1((stream_id + secret).encode("utf-8")).hexdigest()


def join_presence(frm, to):
    """A bot's join: no history (1,000 bots each sent the history would cost the room 10^6
    messages), so a bot's join costs what an occupant's arrival costs."""
    return ("<presence from=%s to=%s><x xmlns='%s'><history maxstanzas='0'/></x></presence>"
            % (quoteattr(frm), quoteattr(to), NS_MUC))


def groupchat(frm, to, body, msg_id, store=True):
    hint = "" if store else "<no-store xmlns='urn:xmpp:hints'/>"
    return ("<message type='groupchat' from=%s to=%s id=%s><body>%s</body>%s</message>"
            % (quoteattr(frm), quoteattr(to), quoteattr(msg_id), escape(body), hint))


def prosody_config(component_host, component_port, secret, history):
    """Lines for prosody.Prosody(extra_modules=["muc"], extra_config=...): the component
    (its port on loopback and its secret) and a room service that keeps `history` messages of
    legacy history (muc_room_default_history_length; how many a join that asks for no
    particular amount gets is the room's "default history messages", which only the room's
    owner sets: configure_room), whose rooms are open as soon as made (no locking, the bots
    need no form for it) and persistent. Prosody writes without Nagle's algorithm: a stanza
    it routes leaves at once, so the probe's echo is timed as it reached every occupant."""
    def lua(value):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')
    return "\n".join([
        "network_settings = { nagle = false }",
        "component_ports = { %d }" % component_port,
        'component_interfaces = { "127.0.0.1" }',
        "muc_room_locking = false",
        "muc_room_default_persistent = true",
        "muc_room_default_history_length = %d" % history,
        "max_history_messages = %d" % history,
        # The component's own section: whatever follows is the fixture's VirtualHost.
        "Component %s" % lua(component_host),
        "  component_secret = %s" % lua(secret),
    ])


def connect(host, port, timeout, start_wait=10.0):
    """A TCP connection to the component port, which Prosody may open a moment after its
    client port."""
    deadline = time.monotonic() + start_wait
    while True:
        try:
            return socket.create_connection((host, port), timeout=timeout)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def arrival(data, trigger):
    """True if data (raw bytes of the stream) holds an available presence whose start tag
    contains trigger (from='room/nick'): the room announcing that occupant's arrival."""
    pos = data.find(trigger)
    while pos >= 0:
        start, end = data.rfind(b"<", 0, pos), data.find(b">", pos)
        tag = data[start:end] if start >= 0 and end >= 0 else b""
        if tag.startswith(b"<presence") and b" type=" not in tag:
            return True
        pos = data.find(trigger, pos + 1)
    return False


def config_form(fields):
    """A submitted muc#roomconfig form (XEP-0045 §10.2) with these {var: value} fields."""
    out = ["<query xmlns='%s'><x xmlns='jabber:x:data' type='submit'>" % NS_MUC_OWNER,
           "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value>"
           "</field>"]
    for var, value in fields.items():
        out.append("<field var=%s><value>%s</value></field>" % (quoteattr(var), escape(str(value))))
    out.append("</x></query>")
    return "".join(out)


class Bots:
    def __init__(self, host, port, domain, secret, server_domain, timeout=DEFAULT_TIMEOUT):
        self.domain = domain
        self.server_domain = server_domain
        self.timeout = timeout
        self.sock = connect(host, port, timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._send_lock = threading.Lock()
        self._lock = threading.Condition()
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0
        self._root = None
        self._answers = {}        # our IQ id -> element
        self._waiting = set()
        self._next_id = 0
        self._probe = None        # (trigger bytes, bot jid, room, text) while armed
        self._probe_sent = None   # (text, monotonic time)
        self._probe_echo = None   # monotonic time of the read that brought its first copy
        self._tail = b""          # the end of the last read: a pattern may straddle two
        self._chunks = queue.Queue()
        self.presences = 0        # presences the bots were sent
        self.messages = 0         # messages with a body the bots were sent
        self.error = None
        self.closed = False
        try:
            self._handshake(secret)
        except BaseException:
            self.sock.close()
            raise
        self.sock.settimeout(None)  # the reading thread waits as long as the stream is quiet
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._parsing = threading.Thread(target=self._parse, daemon=True)
        self._reader.start()
        self._parsing.start()

    # -- stream ------------------------------------------------------------------------------
    def _send(self, data):
        with self._send_lock:
            self.sock.sendall(data.encode("utf-8") if isinstance(data, str) else data)

    def _handshake(self, secret):
        self._send("<?xml version='1.0'?><stream:stream xmlns='%s' xmlns:stream='%s' to=%s>"
                   % (NS_ACCEPT, NS_STREAM, quoteattr(self.domain)))
        stream_id = None
        deadline = time.monotonic() + self.timeout
        while True:
            if time.monotonic() > deadline:
                raise BotsError("no component handshake within %ss" % self.timeout)
            data = self.sock.recv(READ_SIZE)
            if not data:
                raise BotsError("the server closed the component stream")
            self._parser.feed(data)
            for event, elem in self._parser.read_events():
                if event == "start":
                    self._depth += 1
                    if self._depth == 1:
                        self._root = elem
                        stream_id = elem.get("id")
                        if stream_id is None:
                            raise BotsError("the server's stream header has no id")
                        self._send("<handshake>%s</handshake>" % handshake_digest(stream_id,
                                                                                 secret))
                    continue
                self._depth -= 1
                if self._depth != 1:
                    continue
                if elem.tag == "{%s}handshake" % NS_ACCEPT:
                    del self._root[:]
                    return
                if elem.tag == "{%s}error" % NS_STREAM:
                    raise BotsError("component handshake refused: %s"
                                    % " ".join(c.tag.split("}", 1)[-1] for c in elem))

    def _read(self):
        try:
            while True:
                data = self.sock.recv(READ_SIZE)
                now = time.monotonic()
                if not data:
                    raise BotsError("the server closed the component stream")
                if self._probe is not None or (self._probe_sent is not None
                                               and self._probe_echo is None):
                    self._scan(self._tail + data, now)
                self._tail = data[-512:]
                self._chunks.put(data)
        except (OSError, BotsError) as e:
            self._failed(e)
        self._chunks.put(None)

    def _scan(self, data, now):
        """The probe, in the raw bytes: the newcomer's arrival sets it off; its echo is timed."""
        probe = self._probe
        if probe is not None and arrival(data, probe[0]):
            self._probe = None
            self._send(groupchat(probe[1], probe[2], probe[3], "probe", store=False))
            sent = time.monotonic()
            with self._lock:
                self._probe_sent = (probe[3], sent)
                self._lock.notify_all()
            return
        sent = self._probe_sent
        if sent is not None and self._probe_echo is None and \
                (">%s</body>" % escape(sent[0])).encode("utf-8") in data:
            with self._lock:
                self._probe_echo = now
                self._lock.notify_all()

    def _parse(self):
        try:
            while True:
                data = self._chunks.get()
                if data is None:
                    return
                self._feed(data)
        except (ET.ParseError, BotsError, OSError) as e:
            self._failed(e)

    def _failed(self, error):
        with self._lock:
            if not self.closed:
                self.error = str(error)
            self.closed = True
            self._lock.notify_all()

    def _feed(self, data):
        self._parser.feed(data)
        depth = self._depth
        for event, elem in self._parser.read_events():
            if event == "start":
                depth += 1
                continue
            if depth == 2:
                self._stanza(elem)
            elif depth == 1:
                raise BotsError("the server closed the component stream")
            depth -= 1
        self._depth = depth
        if self._root is not None and len(self._root):
            del self._root[:]

    def _stanza(self, elem):
        tag = elem.tag.split("}", 1)[-1]
        if tag == "presence":
            self.presences += 1
        elif tag == "message":
            if elem.find("{%s}body" % NS_ACCEPT) is not None:
                self.messages += 1
        elif tag == "iq":
            kind, iq_id = elem.get("type"), elem.get("id", "")
            if kind in ("result", "error"):
                with self._lock:
                    if iq_id in self._waiting:
                        self._answers[iq_id] = elem
                        self._lock.notify_all()
            elif kind in ("get", "set") and elem.get("to") and elem.get("from"):
                # Nobody here answers questions (RFC 6120 §8.2.3): an error, never silence.
                self._send("<iq type='error' id=%s from=%s to=%s><error type='cancel'>"
                           "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                           "</error></iq>" % (quoteattr(iq_id), quoteattr(elem.get("to")),
                                              quoteattr(elem.get("from"))))
        elif tag == "error":
            raise BotsError("stream error: %s" % " ".join(c.tag.split("}", 1)[-1] for c in elem))

    def _wait(self, check, timeout, what):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._lock:
            while True:
                result = check()
                if result is not None:
                    return result
                if self.closed:
                    raise BotsError("waiting for %s: %s" % (what, self.error or "closed"))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BotsError("timed out waiting for %s" % what)
                self._lock.wait(left)

    def iq(self, frm, to, kind, payload, timeout=None):
        """Sends an IQ and returns its answer; BotsError if it is an error or none comes."""
        with self._lock:
            self._next_id += 1
            iq_id = "b%d" % self._next_id
            self._waiting.add(iq_id)
        try:
            self._send("<iq type='%s' id='%s' from=%s to=%s>%s</iq>"
                       % (kind, iq_id, quoteattr(frm), quoteattr(to), payload))
            answer = self._wait(lambda: self._answers.pop(iq_id, None), timeout,
                                "the answer to IQ %s" % iq_id)
        finally:
            with self._lock:
                self._waiting.discard(iq_id)
        if answer.get("type") != "result":
            err = answer.find("{%s}error" % NS_ACCEPT)
            conds = [c.tag.split("}", 1)[-1] for c in err] if err is not None else []
            raise BotsError("IQ to %s failed: %s" % (to, " ".join(conds) or "error"))
        return answer

    # -- what the bench asks -----------------------------------------------------------------
    def bot(self, i):
        return "u%d@%s/r" % (i, self.domain)

    def ping(self, timeout=None):
        """XEP-0199 ping of the server from the component; returns the round trip in seconds.
        Its answer comes after everything sent before it was handled."""
        start = time.monotonic()
        self.iq(self.domain, self.server_domain, "get", "<ping xmlns='%s'/>" % NS_PING, timeout)
        return time.monotonic() - start

    def _batches(self, stanzas):
        batch = []
        for s in stanzas:
            batch.append(s)
            if len(batch) >= BATCH:
                self._send("".join(batch))
                batch = []
        if batch:
            self._send("".join(batch))

    def join(self, room, bots, timeout=None):
        """Bots (indexes) enter the room as nick<i>; returns when the room has handled them."""
        self._batches(join_presence(self.bot(i), "%s/nick%d" % (room, i)) for i in bots)
        self.ping(timeout)

    def leave(self, room, bots, timeout=None):
        self._batches("<presence type='unavailable' from=%s to=%s/>"
                      % (quoteattr(self.bot(i)), quoteattr("%s/nick%d" % (room, i)))
                      for i in bots)
        self.ping(timeout)

    def configure_room(self, room, owner, fields, timeout=None):
        """The owner bot submits the room's configuration form with these fields."""
        self.iq(self.bot(owner), room, "set", config_form(fields), timeout)

    def say(self, room, bots, count, body_fmt="History message {i} from nick{bot}: the bench "
            "needs a line about as long as people write", timeout=None):
        """`count` groupchat messages from the bots in turn; returns when the room has them."""
        bots = list(bots)

        def stanzas():
            for i in range(count):
                b = bots[i % len(bots)]
                yield groupchat(self.bot(b), room, body_fmt.format(i=i, bot=b), "h%d" % i)
        self._batches(stanzas())
        self.ping(timeout)

    def arm_probe(self, room, nick, bot, text):
        """When the room announces nick's arrival, bot says `text` (not stored) at once."""
        # Prosody writes attributes in single quotes (the bench's names need no escaping).
        trigger = ("from='%s/%s'" % (room, nick)).encode("utf-8")
        with self._lock:
            self._probe_sent = self._probe_echo = None
            self._probe = (trigger, self.bot(bot), room, text)

    def disarm_probe(self):
        with self._lock:
            self._probe = None

    def probe_times(self, timeout=None):
        """{"text", "sent", "echo"} of the armed probe (monotonic seconds), once it was sent and
        its first copy came back."""
        return self._wait(lambda: {"text": self._probe_sent[0], "sent": self._probe_sent[1],
                                   "echo": self._probe_echo}
                          if self._probe_sent is not None and self._probe_echo is not None
                          else None, timeout, "the probe and its echo")

    def close(self):
        with self._lock:
            self.closed = True
        try:
            self._send("</stream:stream>")
        except OSError:
            pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._reader.join(timeout=5)
        self._parsing.join(timeout=5)
        sys.setswitchinterval(self._switch_interval)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
