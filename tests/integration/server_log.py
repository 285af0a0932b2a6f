# SPDX-License-Identifier: GPL-2.0-or-later
# What a private test server logged, asked the same way of Prosody and ejabberd: the tests ask
# "did alice authenticate, with which mechanism, was her resource bound" and never grep one
# server's log format themselves.
"""The mixin behind prosody.Prosody's and ejabberd.Ejabberd's log questions.

A server class provides log_text(since) and the regular expressions (templates with {jid},
{id}, {fragment}) for its own log lines. Both servers write their log line by line as they go
(ejabberd.py makes ejabberd's logger do so), so what a server did before it answered a client is
in its log once the client has the answer. Every question takes since (a log_offset() mark,
None for the whole log) and timeout: a positive answer is waited for that long (for what the
server does after its answer, or for other clients), a negative one is given at once with
timeout=0: `assertFalse(server.authenticated(jid, mark, timeout=0))`.
"""

import re
import time

LOG_WAIT = 5.0  # seconds a question waits for its line to show up
POLL = 0.1


class LogQueries:
    # Per server, with re.escape()d {jid}, {id}, {fragment}; AUTH_RE names the mechanism
    # (group mech) or the session it was negotiated on (group session, see _mechanism_of).
    AUTH_RE = None       # a successful authentication of {jid}
    BOUND_RE = None      # a session (resource) bound for the full JID {jid}
    DELIVERED_RE = None  # the server sent a client a stanza whose id is {id}
    CLIENT_SENT_RE = None  # what a client sent, containing {fragment}

    def log_search(self, regex, since=None, timeout=0.0, flags=re.MULTILINE):
        """All matches of regex in the log after `since`, waiting up to `timeout` seconds for
        at least one (bounded polling)."""
        pattern = re.compile(regex, flags)
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / POLL) + 2):
            found = list(pattern.finditer(self.log_text(since=self._mark(since))))
            if found or time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        return found

    @staticmethod
    def _mark(since):
        return 0 if since is None else since

    def authenticated(self, jid, since=None, timeout=LOG_WAIT):
        """True once the server has logged a successful SASL authentication of the bare jid."""
        return bool(self.log_search(self.AUTH_RE.format(jid=re.escape(jid)), since, timeout))

    def bound(self, full_jid, since=None, timeout=LOG_WAIT):
        """True once the server has bound the resource of full_jid (the session is open)."""
        return bool(self.log_search(self.BOUND_RE.format(jid=re.escape(full_jid)), since,
                                    timeout))

    def auth_mechanism(self, jid, since=None, timeout=LOG_WAIT):
        """The SASL mechanism of jid's last successful authentication, or None."""
        found = self.log_search(self.AUTH_RE.format(jid=re.escape(jid)), since, timeout)
        return self._mechanism_of(found[-1], since) if found else None

    def _mechanism_of(self, match, since):
        return match.group("mech")

    def delivered(self, stanza_id, since=None, timeout=LOG_WAIT):
        """True once the server has sent a client a stanza with this id."""
        return bool(self.log_search(self.DELIVERED_RE.format(id=re.escape(stanza_id)), since,
                                    timeout))

    def client_sent(self, fragment, since=None, timeout=0.0):
        """True if some client sent XML containing fragment (as the server logged it)."""
        return bool(self.log_search(self.CLIENT_SENT_RE.format(fragment=re.escape(fragment)),
                                    since, timeout))
