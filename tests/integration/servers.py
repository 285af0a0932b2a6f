# SPDX-License-Identifier: GPL-2.0-or-later
# The server under test: a private Prosody (default) or ejabberd, chosen by LYRE_TEST_SERVER.
"""make_server(**options) -> prosody.Prosody or ejabberd.Ejabberd (not started).

    LYRE_TEST_SERVER=ejabberd /usr/bin/python3 tests/integration/test_signin.py -v

Options both servers take: host, tls, require_encryption, cert_name, tls_protocol ("tlsv1_2",
"tlsv1_3"), scram_hash ("SHA-1", "SHA-256"; "SHA-512" on ejabberd only: see
SCRAM_HASHES), sasl_mechanisms, extra_modules (Prosody's module names; ejabberd.py maps them to
its own), workdir. Options for one server only go in a dict under its name, e.g.
make_server(extra_modules=["register"], prosody={"extra_config": "allow_registration = true"}).

Both classes answer the same questions about their log (server_log.LogQueries):
authenticated(jid, since), bound(full_jid, since), auth_mechanism(jid, since),
delivered(stanza_id, since), client_sent(fragment, since).
"""

import os
import socket
import ssl

from ejabberd import Ejabberd
from prosody import Prosody

SERVERS = {"prosody": Prosody, "ejabberd": Ejabberd}


def server_kind():
    """The server the tests run against: env LYRE_TEST_SERVER, default prosody."""
    kind = os.environ.get("LYRE_TEST_SERVER", "prosody") or "prosody"
    if kind not in SERVERS:
        raise ValueError("LYRE_TEST_SERVER=%s: must be one of %s" % (kind, ", ".join(SERVERS)))
    return kind


def server_class():
    return SERVERS[server_kind()]


def make_server(**options):
    """A new (not started) server of the kind under test, with these options."""
    kind = server_kind()
    own = options.pop(kind, None) or {}
    for other in SERVERS:
        options.pop(other, None)
    options.update(own)
    return SERVERS[kind](**options)


def negotiated_tls(server, starttls=True, minimum=None, maximum=None, timeout=10):
    """Connects to the server (STARTTLS on c2s_port, or Direct TLS) trusting only its CA, with
    Python's ssl limited to [minimum, maximum] (ssl.TLSVersion), and returns the TLS version
    negotiated ("TLSv1.3"), or None if the server would not speak any of them."""
    context = ssl.create_default_context(cafile=server.ca_file)
    if minimum is not None:
        context.minimum_version = minimum
    if maximum is not None:
        context.maximum_version = maximum
    port = server.c2s_port if starttls else server.direct_tls_port
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        if starttls:
            sock.sendall(("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                          "xmlns:stream='http://etherx.jabber.org/streams' to='%s' "
                          "version='1.0'>" % server.host).encode())
            if "</stream:features>" not in _read_until(sock, b"</stream:features>"):
                raise AssertionError("no stream features from %s" % server.kind)
            sock.sendall(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
            if "<proceed" not in _read_until(sock, b"/>"):
                raise AssertionError("%s refused STARTTLS" % server.kind)
        try:
            with context.wrap_socket(sock, server_hostname=server.host) as tls:
                return tls.version()
        except (ssl.SSLError, ConnectionError):
            return None


def _read_until(sock, end, limit=65536):
    """Bytes read from sock until `end` is in them (at most `limit` bytes), as text."""
    data = b""
    for _ in range(1000):
        if end in data or len(data) > limit:
            break
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace")
