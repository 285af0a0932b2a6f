/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppStream: one transport's byte pipeline (TLS filter, XML parser, writer). */
#include "stream/stream.h"

#include "stream/namespaces.h"
#include "stream/stream-error.h"
#include "xml/parser.h"
#include "xml/writer.h"

struct _XmppStream {
  const XmppHost *host;
  XmppStreamCallbacks callbacks;
  gpointer data;
  XmppParser *parser;
  XmppTls *tls;
  gboolean closed; /* we sent our closing tag: deliver nothing more */
  /* The re-entrancy idiom (docs/architecture.md): callbacks may free us; while depth > 0 a
   * free only marks, and the outermost xmpp_stream_feed() finishes it. */
  guint depth;
  gboolean free_pending;
  guint64 bytes_in;
};

/* Once the stream is closed or its owner freed it, nothing more reaches the owner, even what
 * the same read still holds. */
static void
on_stream_start(gpointer data, const XmppNode *header)
{
  XmppStream *stream = data;
  if (!stream->closed)
    stream->callbacks.stream_start(stream->data, header);
}

static void
on_stanza(gpointer data, XmppNode *element)
{
  XmppStream *stream = data;
  if (stream->closed) {
    xmpp_node_free(element);
    return;
  }
  stream->callbacks.element(stream->data, element);
}

static void
on_stream_end(gpointer data)
{
  XmppStream *stream = data;
  /* RFC 6120 §4.4: nothing after the closing tag counts. */
  xmpp_parser_stop(stream->parser);
  if (!stream->closed)
    stream->callbacks.stream_end(stream->data);
}

static gboolean
on_allow_large(gpointer data, const XmppNode *start)
{
  XmppStream *stream = data;
  return stream->callbacks.allow_large != NULL &&
         stream->callbacks.allow_large(stream->data, start);
}

static const XmppParserCallbacks parser_callbacks = {
    .stream_start = on_stream_start,
    .stanza = on_stanza,
    .stream_end = on_stream_end,
    .allow_large = on_allow_large,
};

XmppStream *
xmpp_stream_new(const XmppHost *host, const XmppStreamCallbacks *callbacks, gpointer data)
{
  g_return_val_if_fail(host != NULL && callbacks != NULL, NULL);
  XmppStream *stream = g_new0(XmppStream, 1);
  stream->host = host;
  stream->callbacks = *callbacks;
  stream->data = data;
  XmppParserLimits limits = XMPP_XML_CLIENT_LIMITS;
  stream->parser = xmpp_parser_new(&parser_callbacks, stream, &limits);
  return stream;
}

static void
stream_destroy(XmppStream *stream)
{
  xmpp_parser_free(stream->parser);
  xmpp_tls_free(stream->tls);
  g_free(stream);
}

void
xmpp_stream_free(XmppStream *stream)
{
  if (stream == NULL)
    return;
  if (stream->depth > 0) {
    stream->free_pending = TRUE;
    stream->closed = TRUE; /* nothing more is delivered or sent */
    xmpp_parser_stop(stream->parser);
    return;
  }
  stream_destroy(stream);
}

static void
fail(XmppStream *stream, const GError *error)
{
  stream->closed = TRUE;
  xmpp_parser_stop(stream->parser);
  stream->callbacks.failed(stream->data, error);
}

static void
transport_send(XmppStream *stream, const char *text, gsize len)
{
  if (stream->tls != NULL) {
    g_autoptr(GError) error = NULL;
    /* A write TLS cannot make ends the stream, for the owner to hear of it at once; it is
     * marked closed first, so the owner's close does not try to write again. */
    if (!xmpp_tls_write(stream->tls, (const guint8 *)text, len, &error) && !stream->closed) {
      xmpp_host_log(stream->host, XMPP_LOG_WARNING, "TLS write failed: %s", error->message);
      fail(stream, error);
    }
    return;
  }
  stream->host->send(stream->host->data, (const guint8 *)text, len);
}

/* Plaintext for the parser: from the socket directly, or decrypted by TLS. */
static void
parse_bytes(XmppStream *stream, const guint8 *bytes, gsize len)
{
  if (stream->closed)
    return;
  g_autoptr(GError) error = NULL;
  if (xmpp_parser_feed(stream->parser, (const char *)bytes, len, &error))
    return;
  /* RFC 6120 §4.9.1.1: tell the peer why, then close. */
  g_autoptr(XmppNode) stream_error =
      xmpp_stream_error_new(xmpp_stream_error_from_xml_error(error->code));
  xmpp_stream_send_error(stream, stream_error);
  fail(stream, error);
}

static void
tls_send(gpointer data, const guint8 *bytes, gsize len)
{
  XmppStream *stream = data;
  stream->host->send(stream->host->data, bytes, len);
}

static void
tls_receive(gpointer data, const guint8 *bytes, gsize len)
{
  parse_bytes(data, bytes, len);
}

static void
tls_handshake_done(gpointer data, XmppTlsVerifyResult verify)
{
  XmppStream *stream = data;
  stream->callbacks.tls_done(stream->data, verify);
}

static const XmppTlsCallbacks tls_callbacks = {
    .send = tls_send,
    .receive = tls_receive,
    .handshake_done = tls_handshake_done,
};

void
xmpp_stream_feed(XmppStream *stream, const guint8 *bytes, gsize len)
{
  g_return_if_fail(stream != NULL);
  if (stream->closed || len == 0)
    return;
  stream->bytes_in += len;
  stream->depth++;
  if (stream->tls != NULL) {
    g_autoptr(GError) error = NULL;
    if (!xmpp_tls_feed(stream->tls, bytes, len, &error) && !stream->closed)
      fail(stream, error);
  } else {
    parse_bytes(stream, bytes, len);
  }
  if (--stream->depth == 0 && stream->free_pending)
    stream_destroy(stream);
}

gboolean
xmpp_stream_start_tls(XmppStream *stream, const XmppTlsConfig *config, GError **error)
{
  g_return_val_if_fail(stream != NULL && stream->tls == NULL, FALSE);
  /* Whatever arrived after <proceed/> in the clear is an injection attempt: drop it (T15). */
  xmpp_parser_stop(stream->parser);
  stream->tls = xmpp_tls_new(config, &tls_callbacks, stream, error);
  if (stream->tls == NULL)
    return FALSE;
  return xmpp_tls_start(stream->tls, error);
}

void
xmpp_stream_trust_tls(XmppStream *stream)
{
  g_return_if_fail(stream != NULL && stream->tls != NULL);
  xmpp_tls_set_trusted(stream->tls);
}

XmppTls *
xmpp_stream_get_tls(XmppStream *stream)
{
  g_return_val_if_fail(stream != NULL, NULL);
  return stream->tls;
}

void
xmpp_stream_open(XmppStream *stream, const char *to, const char *from, const char *lang)
{
  g_return_if_fail(stream != NULL);
  if (stream->closed)
    return;
  xmpp_parser_reset(stream->parser);
  g_autofree char *header = xmpp_xml_stream_header(to, from, lang);
  transport_send(stream, header, strlen(header));
}

void
xmpp_stream_send(XmppStream *stream, const XmppNode *element)
{
  g_return_if_fail(stream != NULL && element != NULL);
  if (stream->closed)
    return;
  GString *out = g_string_sized_new(256);
  xmpp_xml_write_node(out, element, XMPP_NS_JABBER_CLIENT);
  transport_send(stream, out->str, out->len);
  g_string_free(out, TRUE);
}

void
xmpp_stream_send_error(XmppStream *stream, const XmppNode *error)
{
  g_return_if_fail(stream != NULL && error != NULL);
  if (stream->closed)
    return;
  xmpp_stream_send(stream, error);
  xmpp_stream_close(stream);
}

void
xmpp_stream_close(XmppStream *stream)
{
  g_return_if_fail(stream != NULL);
  if (stream->closed)
    return;
  static const char closing[] = "</stream:stream>";
  transport_send(stream, closing, sizeof closing - 1);
  if (stream->tls != NULL && xmpp_tls_is_established(stream->tls))
    xmpp_tls_close(stream->tls);
  stream->closed = TRUE;
  xmpp_parser_stop(stream->parser);
}

gboolean
xmpp_stream_is_closed(const XmppStream *stream)
{
  return stream == NULL || stream->closed;
}

guint64
xmpp_stream_get_bytes_in(const XmppStream *stream)
{
  g_return_val_if_fail(stream != NULL, 0);
  return stream->bytes_in;
}
