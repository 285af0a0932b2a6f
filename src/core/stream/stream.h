/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppStream: the byte pipeline of one transport. Bytes in -> (TLS) -> XML parser -> events;
 * elements out -> writer -> (TLS) -> bytes. It knows nothing of SASL or binding: the session
 * drives it. */
#pragma once

#include "host.h"
#include "stream/tls.h"
#include "xml/node.h"

G_BEGIN_DECLS

typedef struct _XmppStreamCallbacks {
  /* The peer's stream header (borrowed). */
  void (*stream_start)(gpointer data, const XmppNode *header);
  /* A depth-1 element (transfer full). */
  void (*element)(gpointer data, XmppNode *element);
  /* </stream:stream> from the peer. */
  void (*stream_end)(gpointer data);
  /* A fatal problem: XML (XMPP_XML_ERROR; the stream error was sent already) or TLS. */
  void (*failed)(gpointer data, const GError *error);
  /* TLS handshake finished; ASK means the certificate needs the user's decision. */
  void (*tls_done)(gpointer data, XmppTlsVerifyResult verify);
  /* Optional: may the stanza that starts with `start` (borrowed, no children yet) grow past
   * XMPP_XML_MAX_STANZA_BYTES, up to XMPP_XML_MAX_CLIENT_STANZA_BYTES? Without it, no stanza
   * may. Must not call back into the stream. */
  gboolean (*allow_large)(gpointer data, const XmppNode *start);
} XmppStreamCallbacks;

typedef struct _XmppStream XmppStream;

XmppStream *xmpp_stream_new(const XmppHost *host, const XmppStreamCallbacks *callbacks,
                            gpointer data);
void xmpp_stream_free(XmppStream *stream);

/* Bytes from the transport. Callbacks run from here; any may free the stream, after which this
 * returns at once. */
void xmpp_stream_feed(XmppStream *stream, const guint8 *bytes, gsize len);

/* Switches to TLS: everything the parser still holds is discarded (RFC 6120 §5.4.3.3, T15), the
 * ClientHello goes out, and from now on all bytes pass through TLS. */
gboolean xmpp_stream_start_tls(XmppStream *stream, const XmppTlsConfig *config, GError **error);
/* After the user accepted an untrusted certificate. */
void xmpp_stream_trust_tls(XmppStream *stream);
XmppTls *xmpp_stream_get_tls(XmppStream *stream);

/* Sends our stream header and resets the parser for the peer's new one (RFC 6120 §4.3.3). */
void xmpp_stream_open(XmppStream *stream, const char *to, const char *from, const char *lang);
void xmpp_stream_send(XmppStream *stream, const XmppNode *element);
/* Sends a stream error (RFC 6120 §4.9.1.1) followed by the closing tag. */
void xmpp_stream_send_error(XmppStream *stream, const XmppNode *error);
/* Sends </stream:stream> and TLS close_notify; no more events after this. */
void xmpp_stream_close(XmppStream *stream);
gboolean xmpp_stream_is_closed(const XmppStream *stream);
/* Total bytes received (for liveness checks). */
guint64 xmpp_stream_get_bytes_in(const XmppStream *stream);

G_END_DECLS
