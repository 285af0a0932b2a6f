/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppIbb (ibb.h): XEP-0047's open, data and close, both ways. */
#include "services/ibb.h"

#include <string.h>

#include "jid/jid.h"
#include "router/stanza-error.h"
#include "router/stanza.h"

typedef enum { STREAM_EXPECTED, STREAM_OPENING, STREAM_OPEN, STREAM_CLOSING } StreamState;

struct _XmppIbbStream {
  XmppIbb *ibb;
  char *peer; /* full JID, normalised */
  char *sid;
  gboolean sending;
  StreamState state;
  gsize block_size;
  guint16 seq;        /* the next block's number, both ways (wraps at 65535, §3) */
  gboolean in_flight; /* sending: a block waits for its answer */
  guint generation;   /* the IQs of a stream that ended are not applied */
  XmppIbbEvents events;
  gpointer data;
};

struct _XmppIbb {
  XmppRouter *router;
  const XmppHost *host;
  GPtrArray *streams; /* XmppIbbStream*, owned */
  guint handler;
  guint generation;
};

typedef struct {
  XmppIbb *ibb;
  XmppIbbStream *stream;
  guint generation;
} Request;

static void
stream_free(gpointer data)
{
  XmppIbbStream *s = data;
  g_free(s->peer);
  g_free(s->sid);
  g_free(s);
}

static gboolean
alive(const Request *r)
{
  return r->ibb->streams != NULL && g_ptr_array_find(r->ibb->streams, r->stream, NULL) &&
         r->stream->generation == r->generation;
}

/* Forgets the stream, then tells (the callback may start another). */
static void
end_stream(XmppIbbStream *s, const GError *error)
{
  XmppIbbEvents events = s->events;
  gpointer data = s->data;
  g_ptr_array_remove(s->ibb->streams, s); /* frees s */
  if (events.closed != NULL)
    events.closed(data, error);
}

static void
end_with(XmppIbbStream *s, XmppStanzaErrorCondition condition, const char *why)
{
  g_autoptr(GError) error =
      g_error_new(XMPP_STANZA_ERROR, condition, "in-band bytestream: %s", why);
  end_stream(s, error);
}

static XmppIbbStream *
find(XmppIbb *ibb, const XmppJid *from, const char *sid)
{
  if (from == NULL || sid == NULL)
    return NULL;
  for (guint i = 0; i < ibb->streams->len; i++) {
    XmppIbbStream *s = ibb->streams->pdata[i];
    if (strcmp(s->sid, sid) == 0 && strcmp(s->peer, xmpp_jid_get_full(from)) == 0)
      return s;
  }
  return NULL;
}

static void
reply(XmppIbb *ibb, const XmppStanza *stanza, gboolean ok, XmppStanzaErrorCondition condition)
{
  XmppNode *answer =
      ok ? xmpp_stanza_new_iq_result(stanza) : xmpp_stanza_error_new_reply(stanza, condition);
  xmpp_router_send(ibb->router, answer);
  xmpp_node_free(answer);
}

/* ---- what the peer sends -------------------------------------------------------------------- */

static void
on_open(XmppIbb *ibb, XmppStanza *stanza, const XmppNode *open, XmppIbbStream *s)
{
  guint64 block = 0;
  const char *size = xmpp_node_get_attr(open, "block-size");
  const char *kind = xmpp_node_get_attr(open, "stanza");
  if (s == NULL || s->sending || s->state != STREAM_EXPECTED) {
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_NOT_ACCEPTABLE); /* nobody asked for it */
    return;
  }
  if (size == NULL ||
      !g_ascii_string_to_unsigned(size, 10, 1, XMPP_IBB_MAX_BLOCK_SIZE, &block, NULL)) {
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
    return;
  }
  if (kind != NULL && strcmp(kind, "iq") != 0) {
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED); /* message-borne */
    return;
  }
  s->block_size = (gsize)block;
  s->state = STREAM_OPEN;
  reply(ibb, stanza, TRUE, 0);
  if (s->events.opened != NULL)
    s->events.opened(s->data);
}

/* Base64 as RFC 4648 writes it (GLib's decoder skips what it does not know). */
static gboolean
strict_base64(const char *text)
{
  gsize n = strlen(text), pad = 0;
  if (n == 0 || n % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < n; i++) {
    char c = text[i];
    if (c == '=') {
      if (i < n - 2 || ++pad > 2)
        return FALSE;
    } else if (pad > 0 || !(g_ascii_isalnum(c) || c == '+' || c == '/')) {
      return FALSE;
    }
  }
  return TRUE;
}

static void
on_data(XmppIbb *ibb, XmppStanza *stanza, const XmppNode *data, XmppIbbStream *s)
{
  if (s == NULL || s->sending || s->state != STREAM_OPEN) {
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
    return;
  }
  guint64 seq = G_MAXUINT64;
  const char *seq_text = xmpp_node_get_attr(data, "seq");
  if (seq_text == NULL || !g_ascii_string_to_unsigned(seq_text, 10, 0, 65535, &seq, NULL) ||
      seq != s->seq) {
    /* §2.2: out of order (a repeat, or one lost): the stream cannot go on. */
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_UNEXPECTED_REQUEST);
    end_with(s, XMPP_STANZA_ERROR_UNEXPECTED_REQUEST, "a block came out of order");
    return;
  }
  g_autofree char *text = xmpp_node_dup_text(data);
  gsize max_text = (s->block_size + 2) / 3 * 4 + 64; /* base64 of a block, and some blanks */
  gsize len = 0;
  g_autofree guint8 *bytes = NULL;
  if (strlen(text) <= max_text) {
    g_strstrip(text);
    bytes = strict_base64(text) ? g_base64_decode(text, &len) : NULL;
  }
  if (bytes == NULL || len == 0 || len > s->block_size) {
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_BAD_REQUEST);
    end_with(s, XMPP_STANZA_ERROR_BAD_REQUEST, "a block larger than agreed, or not base64");
    return;
  }
  s->seq++;
  reply(ibb, stanza, TRUE, 0);
  if (s->events.received != NULL)
    s->events.received(s->data, bytes, len);
}

static XmppHandlerResult
on_iq(XmppStanza *stanza, gpointer user_data)
{
  XmppIbb *ibb = user_data;
  if (g_strcmp0(stanza->type, "set") != 0)
    return XMPP_HANDLER_PASS;
  const XmppNode *payload = xmpp_stanza_get_payload(stanza);
  XmppIbbStream *s = find(ibb, stanza->from, xmpp_node_get_attr(payload, "sid"));
  if (strcmp(payload->name, "open") == 0) {
    on_open(ibb, stanza, payload, s);
  } else if (strcmp(payload->name, "data") == 0) {
    on_data(ibb, stanza, payload, s);
  } else if (strcmp(payload->name, "close") == 0) {
    reply(ibb, stanza, s != NULL, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
    if (s != NULL && s->sending)
      end_with(s, XMPP_STANZA_ERROR_UNDEFINED_CONDITION, "the receiver ended it");
    else if (s != NULL)
      end_stream(s, NULL); /* the sender's end of the file */
  } else {
    reply(ibb, stanza, FALSE, XMPP_STANZA_ERROR_BAD_REQUEST);
  }
  return XMPP_HANDLER_CONSUMED;
}

/* ---- what we send ---------------------------------------------------------------------------- */

static Request *
request_for(XmppIbbStream *s)
{
  Request *r = g_new0(Request, 1);
  *r = (Request){s->ibb, s, s->generation};
  return r;
}

static void
on_opened(const XmppStanza *reply_stanza, const GError *error, gpointer data)
{
  Request *r = data;
  if (!alive(r))
    return;
  XmppIbbStream *s = r->stream;
  if (error != NULL) {
    end_stream(s, error);
    return;
  }
  s->state = STREAM_OPEN;
  if (s->events.opened != NULL)
    s->events.opened(s->data);
}

static void
on_data_acked(const XmppStanza *reply_stanza, const GError *error, gpointer data)
{
  Request *r = data;
  if (!alive(r))
    return;
  XmppIbbStream *s = r->stream;
  s->in_flight = FALSE;
  if (error != NULL) {
    end_stream(s, error);
    return;
  }
  if (s->state == STREAM_OPEN && s->events.acked != NULL)
    s->events.acked(s->data);
}

static void
on_close_acked(const XmppStanza *reply_stanza, const GError *error, gpointer data)
{
  Request *r = data;
  if (alive(r))
    end_stream(r->stream, error);
}

static XmppIbbStream *
stream_new(XmppIbb *ibb, const char *peer, const char *sid, gboolean sending,
           const XmppIbbEvents *events, gpointer data)
{
  g_autoptr(XmppJid) jid = peer != NULL ? xmpp_jid_parse(peer, NULL) : NULL;
  if (jid == NULL || sid == NULL || *sid == '\0' || ibb->streams->len >= XMPP_IBB_MAX_STREAMS)
    return NULL;
  XmppIbbStream *s = g_new0(XmppIbbStream, 1);
  s->ibb = ibb;
  s->peer = g_strdup(xmpp_jid_get_full(jid));
  s->sid = g_strdup(sid);
  s->sending = sending;
  s->generation = ++ibb->generation;
  s->events = *events;
  s->data = data;
  g_ptr_array_add(ibb->streams, s);
  return s;
}

XmppIbbStream *
xmpp_ibb_expect(XmppIbb *ibb, const char *peer, const char *sid, const XmppIbbEvents *events,
                gpointer data)
{
  g_return_val_if_fail(ibb != NULL && events != NULL, NULL);
  XmppIbbStream *s = stream_new(ibb, peer, sid, FALSE, events, data);
  if (s != NULL)
    s->state = STREAM_EXPECTED;
  return s;
}

XmppIbbStream *
xmpp_ibb_open(XmppIbb *ibb, const char *peer, const char *sid, const XmppIbbEvents *events,
              gpointer data)
{
  g_return_val_if_fail(ibb != NULL && events != NULL, NULL);
  XmppIbbStream *s = stream_new(ibb, peer, sid, TRUE, events, data);
  if (s == NULL)
    return NULL;
  s->state = STREAM_OPENING;
  s->block_size = XMPP_IBB_BLOCK_SIZE;
  XmppNode *iq = xmpp_stanza_new_iq("set", s->peer, NULL);
  XmppNode *open = xmpp_node_new_child(iq, XMPP_NS_IBB, "open");
  xmpp_node_set_attr(open, "sid", sid);
  g_autofree char *size = g_strdup_printf("%u", XMPP_IBB_BLOCK_SIZE);
  xmpp_node_set_attr(open, "block-size", size);
  xmpp_node_set_attr(open, "stanza", "iq");
  xmpp_router_send_iq(ibb->router, ibb, iq, 0, on_opened, request_for(s), g_free);
  return s;
}

gsize
xmpp_ibb_get_block_size(const XmppIbbStream *stream)
{
  return stream->block_size;
}

gboolean
xmpp_ibb_send(XmppIbbStream *s, const guint8 *bytes, gsize len)
{
  g_return_val_if_fail(s != NULL, FALSE);
  if (!s->sending || s->state != STREAM_OPEN || s->in_flight || len == 0 || len > s->block_size)
    return FALSE;
  XmppNode *iq = xmpp_stanza_new_iq("set", s->peer, NULL);
  g_autofree char *b64 = g_base64_encode(bytes, len);
  XmppNode *data = xmpp_node_new_text_child(iq, XMPP_NS_IBB, "data", b64);
  xmpp_node_set_attr(data, "sid", s->sid);
  g_autofree char *seq = g_strdup_printf("%u", s->seq);
  xmpp_node_set_attr(data, "seq", seq);
  s->seq++;
  s->in_flight = TRUE;
  xmpp_router_send_iq(s->ibb->router, s->ibb, iq, 0, on_data_acked, request_for(s), g_free);
  return TRUE;
}

void
xmpp_ibb_close(XmppIbbStream *s, gboolean quiet)
{
  g_return_if_fail(s != NULL);
  XmppIbb *ibb = s->ibb;
  gboolean told = s->state == STREAM_OPEN || s->state == STREAM_OPENING;
  if (told) {
    XmppNode *iq = xmpp_stanza_new_iq("set", s->peer, NULL);
    xmpp_node_set_attr(xmpp_node_new_child(iq, XMPP_NS_IBB, "close"), "sid", s->sid);
    if (quiet) {
      xmpp_router_send_iq(ibb->router, ibb, iq, 0, xmpp_router_ignore_answer, NULL, NULL);
    } else {
      s->state = STREAM_CLOSING;
      xmpp_router_send_iq(ibb->router, ibb, iq, 0, on_close_acked, request_for(s), g_free);
      return;
    }
  }
  if (quiet || !told)
    g_ptr_array_remove(ibb->streams, s);
}

guint
xmpp_ibb_n_streams(const XmppIbb *ibb)
{
  return ibb->streams->len;
}

XmppIbb *
xmpp_ibb_new(XmppRouter *router, const XmppHost *host)
{
  XmppIbb *ibb = g_new0(XmppIbb, 1);
  ibb->router = router;
  ibb->host = host;
  ibb->streams = g_ptr_array_new_with_free_func(stream_free);
  ibb->handler = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_IBB, NULL, on_iq, ibb, NULL);
  return ibb;
}

void
xmpp_ibb_free(XmppIbb *ibb)
{
  if (ibb == NULL)
    return;
  xmpp_router_cancel_owner(ibb->router, ibb);
  xmpp_router_remove_handler(ibb->router, ibb->handler);
  g_ptr_array_unref(ibb->streams);
  ibb->streams = NULL;
  g_free(ibb);
}
