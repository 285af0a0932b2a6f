# SPDX-License-Identifier: GPL-2.0-or-later
# The independent witness of the integration tests: a slixmpp client (xmpp_peer.py) run as a
# process, with what it printed (one JSON event a line) parsed.
import json
import os
import subprocess
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


class Peer:
    """A running slixmpp client. stanzas: raw XML sent after sign-in (the first after delay
    seconds, then every seconds apart, or at once); it stays stay seconds, then exits."""

    def __init__(self, server, jid, password, stanzas=(), stay=5, every=0.0, delay=0.0,
                 options=()):
        argv = ["/usr/bin/python3", os.path.join(HERE, "xmpp_peer.py"), "--jid", jid,
                "--password", password, "--port", str(server.c2s_port), "--ca",
                server.ca_file, "--stay", str(stay), "--timeout", str(stay + 30)]
        if every:
            argv += ["--send-every", str(every)]
        if delay:
            argv += ["--send-delay", str(delay)]
        argv += list(options)  # xmpp_peer.py's other options (--caps, --feature, --answer...)
        for xml in stanzas:
            argv += ["--send-xml", xml]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        # Read as it comes: a long run prints more than a pipe holds, and a peer blocked on
        # writing its stdout would stop sending and receiving (the soak's silent witness).
        self._out, self._err = [], []
        self._readers = [threading.Thread(target=self._drain, args=(f, buf), daemon=True)
                         for f, buf in ((self.proc.stdout, self._out),
                                        (self.proc.stderr, self._err))]
        for t in self._readers:
            t.start()

    @staticmethod
    def _drain(stream, buf):
        for line in stream:
            buf.append(line)

    def finish(self, timeout=180):
        self.proc.wait(timeout=timeout)
        for t in self._readers:
            t.join(timeout=10)
        self.stdout, self.stderr = "".join(self._out), "".join(self._err)
        self.events = []
        for line in self.stdout.splitlines():
            try:
                self.events.append(json.loads(line))
            except ValueError:
                pass
        return self

    def xml_received(self):
        return [e["xml"] for e in self.events if e.get("event") == "message-xml"]

    def iq_received(self):
        return [e["xml"] for e in self.events if e.get("event") == "iq-xml"]

    def bodies_from(self, sender_bare):
        """Bodies of the messages received from sender_bare (any resource), in order."""
        return [e["body"] for e in self.events
                if e.get("event") == "message" and e["from"].split("/")[0] == sender_bare
                and e.get("body")]


def chat(to, body, extra=""):
    return ("<message xmlns='jabber:client' to='%s' type='chat'><body>%s</body>%s</message>"
            % (to, body, extra))
