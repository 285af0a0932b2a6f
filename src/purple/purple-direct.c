/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Direct transfers (purple-direct.h). A Direct belongs to its PurpleXfer; the area keeps the
 * list of them, so that the connection's end ends them all before the session (and its
 * streams) goes away. */
#include "purple-direct.h"

#include <gio/gio.h>

#include "im/oob.h"
#include "im/presence.h"
#include "purple-http.h"
#include "purple-i18n.h"
#include "services/caps.h"
#include "services/jingle-file.h"
#include "services/si-file.h"

struct _XmppPurpleDirect {
  XmppPurpleConn *conn;
  GPtrArray *transfers; /* Direct*, not owned: each is its xfer's */
};

typedef struct {
  XmppPurpleConn *conn;
  PurpleXfer *xfer;
  char *who;       /* the peer's full JID */
  gboolean jingle; /* XEP-0234 (Jingle) rather than XEP-0096 (SI) */
  guint offer;     /* receiving: the offer, until answered (0 after) */
  char *sid;       /* sending: our stream's id */
  XmppIbbStream *stream;
  GInputStream *in;        /* sending: the file */
  XmppPurpleIncoming *out; /* receiving: the file */
  guint64 done;
  gint64 told;
} Direct;

static XmppSiFiles *
si_of(XmppPurpleConn *conn)
{
  return xmpp_session_get_si_files(conn->session);
}

static XmppJingleFiles *
jingle_of(XmppPurpleConn *conn)
{
  return xmpp_session_get_jingle_files(conn->session);
}

/* ---- ending --------------------------------------------------------------------------------- */

static void
direct_free(Direct *d)
{
  if (d->conn->direct_state != NULL)
    g_ptr_array_remove(d->conn->direct_state->transfers, d);
  if (d->stream != NULL)
    xmpp_ibb_close(d->stream, TRUE); /* the peer is told; no event comes back */
  if (d->offer != 0 && d->jingle)
    xmpp_jingle_decline(jingle_of(d->conn), d->offer);
  else if (d->offer != 0)
    xmpp_si_decline(si_of(d->conn), d->offer);
  if (d->jingle && d->sid != NULL)
    xmpp_jingle_finish(jingle_of(d->conn), d->sid, FALSE); /* cancelled (done: nothing) */
  g_clear_object(&d->in);
  g_clear_pointer(&d->out, xmpp_purple_incoming_free); /* not committed: nothing kept */
  g_free(d->who);
  g_free(d->sid);
  g_free(d);
}

/* purple ended, cancelled or refused the transfer: ours to free. */
static void
direct_detach(PurpleXfer *xfer)
{
  Direct *d = xfer->data;
  xfer->data = NULL;
  if (d != NULL)
    direct_free(d);
}

static void
fail(Direct *d, const char *text)
{
  purple_xfer_error(purple_xfer_get_type(d->xfer), d->conn->account, d->who, text);
  purple_xfer_cancel_local(d->xfer); /* detaches, frees d */
}

static void
finished(Direct *d)
{
  purple_xfer_set_bytes_sent(d->xfer, d->done);
  purple_xfer_update_progress(d->xfer);
  purple_xfer_set_completed(d->xfer, TRUE);
  purple_xfer_end(d->xfer); /* detaches, frees d */
}

static void
stream_closed(gpointer data, const GError *error)
{
  Direct *d = data;
  d->stream = NULL; /* gone in the core */
  if (error != NULL) {
    g_autofree char *text = g_strdup_printf(_("The transfer broke off: %s"), error->message);
    fail(d, text);
  } else if (d->done != purple_xfer_get_size(d->xfer)) {
    fail(d, _("The transfer ended before the whole file came."));
  } else if (d->out != NULL) {
    g_autoptr(GError) e = NULL;
    if (!xmpp_purple_incoming_commit(d->out, &e)) {
      g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), e->message);
      fail(d, text);
      return;
    }
    g_clear_pointer(&d->out, xmpp_purple_incoming_free);
    finished(d);
  } else {
    finished(d);
  }
}

/* ---- receiving ------------------------------------------------------------------------------ */

static void
stream_received(gpointer data, const guint8 *bytes, gsize len)
{
  Direct *d = data;
  g_autoptr(GError) error = NULL;
  if (d->done + len > purple_xfer_get_size(d->xfer)) {
    fail(d, _("The sender sent more than the file's size."));
  } else if (!xmpp_purple_incoming_write(d->out, bytes, len, &error)) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    fail(d, text);
  } else {
    d->done += len;
    xmpp_purple_xfer_progress(d->xfer, (goffset)d->done, &d->told);
  }
}

static void
recv_opened(gpointer data)
{
  Direct *d = data;
  purple_xfer_start(d->xfer, -1, NULL, 0);
}

static const XmppIbbEvents recv_events = {
    .opened = recv_opened, .received = stream_received, .closed = stream_closed};

/* The user accepted and chose where the file goes: our answer names IBB, the sender opens. */
static void
recv_init(PurpleXfer *xfer)
{
  Direct *d = xfer->data;
  g_autoptr(GError) error = NULL;
  d->out = xmpp_purple_incoming_new(purple_xfer_get_local_filename(xfer), &error);
  if (d->out == NULL) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    fail(d, text);
    return;
  }
  guint offer = d->offer;
  d->offer = 0;
  d->stream = d->jingle ? xmpp_jingle_accept(jingle_of(d->conn), offer, &recv_events, d)
                        : xmpp_si_accept(si_of(d->conn), offer, &recv_events, d);
  if (d->stream == NULL)
    fail(d, _("The sender withdrew the file."));
}

static Direct *
direct_new(XmppPurpleConn *conn, PurpleXfer *xfer, const char *who)
{
  Direct *d = g_new0(Direct, 1);
  d->conn = conn;
  d->xfer = xfer;
  d->who = g_strdup(who);
  xfer->data = d;
  g_ptr_array_add(conn->direct_state->transfers, d);
  return d;
}

static void
offered(XmppPurpleConn *conn, const XmppSiOffer *offer, gboolean jingle)
{
  PurpleXfer *xfer = purple_xfer_new(conn->account, PURPLE_XFER_RECEIVE, offer->from);
  Direct *d = direct_new(conn, xfer, offer->from);
  d->jingle = jingle;
  d->offer = offer->handle;
  g_autofree char *name = xmpp_oob_clean_name(offer->name); /* T57 */
  purple_xfer_set_filename(xfer, name);
  purple_xfer_set_size(xfer, offer->size);
  purple_xfer_set_init_fnc(xfer, recv_init);
  purple_xfer_set_request_denied_fnc(xfer, direct_detach); /* declines */
  purple_xfer_set_cancel_recv_fnc(xfer, direct_detach);
  purple_xfer_set_end_fnc(xfer, direct_detach);
  purple_xfer_request(xfer);
}

static void
on_si_offered(gpointer data, const XmppSiOffer *offer)
{
  offered(data, offer, FALSE);
}

static void
on_jingle_offered(gpointer data, const XmppSiOffer *offer)
{
  offered(data, offer, TRUE);
}

/* ---- sending -------------------------------------------------------------------------------- */

static void
send_next(Direct *d)
{
  gsize size = xmpp_ibb_get_block_size(d->stream);
  g_autofree guint8 *block = g_malloc(size);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read(d->in, block, size, NULL, &error);
  if (n < 0) {
    g_autofree char *text = g_strdup_printf(_("The file could not be read: %s"), error->message);
    fail(d, text);
  } else if (n == 0) {
    /* The end of the file, every block taken: done. The close is not waited for (Pidgin's
     * built-in plugin ends its side on the last block and never answers it). */
    xmpp_ibb_close(d->stream, TRUE);
    d->stream = NULL;
    if (d->jingle)
      xmpp_jingle_finish(jingle_of(d->conn), d->sid, TRUE);
    if (d->done == purple_xfer_get_size(d->xfer))
      finished(d);
    else
      fail(d, _("The file changed while it was sent."));
  } else if (xmpp_ibb_send(d->stream, block, (gsize)n)) {
    d->done += (guint64)n;
    xmpp_purple_xfer_progress(d->xfer, (goffset)d->done, &d->told);
  }
}

static void
send_opened(gpointer data)
{
  Direct *d = data;
  purple_xfer_start(d->xfer, -1, NULL, 0);
  send_next(d);
}

static void
send_acked(gpointer data)
{
  send_next(data);
}

static const XmppIbbEvents send_events = {
    .opened = send_opened, .acked = send_acked, .closed = stream_closed};

typedef struct {
  XmppPurpleConn *conn;
  PurpleXfer *xfer; /* referenced while the answer is awaited */
} Waiting;

static void
waiting_free(gpointer data)
{
  Waiting *w = data;
  purple_xfer_unref(w->xfer);
  g_free(w);
}

static void
on_answered(gpointer data, const GError *error)
{
  Waiting *w = data;
  Direct *d = w->xfer->data; /* NULL: cancelled meanwhile */
  if (d == NULL || xmpp_iq_error_is_ended(error))
    return;
  if (error != NULL) {
    gboolean declined =
        error->domain == XMPP_STANZA_ERROR && error->code == XMPP_STANZA_ERROR_FORBIDDEN;
    if (declined)
      purple_xfer_cancel_remote(d->xfer);
    else
      fail(d, error->message);
    return;
  }
  d->stream =
      xmpp_ibb_open(xmpp_session_get_ibb(d->conn->session), d->who, d->sid, &send_events, d);
  if (d->stream == NULL)
    fail(d, _("Too many transfers at once."));
}

static void
send_init(PurpleXfer *xfer)
{
  Direct *d = xfer->data;
  g_autoptr(GFile) file = g_file_new_for_path(purple_xfer_get_local_filename(xfer));
  g_autoptr(GError) error = NULL;
  d->in = G_INPUT_STREAM(g_file_read(file, NULL, &error));
  if (d->in == NULL) {
    g_autofree char *text = g_strdup_printf(_("The file could not be read: %s"), error->message);
    fail(d, text);
    return;
  }
  Waiting *w = g_new0(Waiting, 1);
  w->conn = d->conn;
  w->xfer = xfer;
  purple_xfer_ref(xfer);
  /* Jingle where the peer's client says it takes it (Conversations, Dino...), SI otherwise. */
  const XmppDiscoInfo *info =
      xmpp_caps_get_jid_info(xmpp_session_get_caps(d->conn->session), d->who);
  d->jingle = xmpp_jingle_files_supported(info);
  gboolean sent_offer =
      d->jingle
          ? xmpp_jingle_offer(jingle_of(d->conn), d->who, purple_xfer_get_filename(xfer),
                              purple_xfer_get_size(xfer), &d->sid, on_answered, w, waiting_free)
          : xmpp_si_offer(si_of(d->conn), d->who, purple_xfer_get_filename(xfer),
                          purple_xfer_get_size(xfer), &d->sid, on_answered, w, waiting_free);
  if (!sent_offer) {
    waiting_free(w);
    fail(d, _("The file cannot be offered to this address."));
  }
}

/* who's client to send to: a full JID as it is, else the contact's best resource. */
static char *
full_jid_of(XmppPurpleConn *conn, const char *who)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse(who, NULL);
  if (jid == NULL)
    return NULL;
  if (xmpp_jid_get_resource(jid) != NULL)
    return g_strdup(xmpp_jid_get_full(jid));
  const XmppPresenceContact *c =
      xmpp_presence_get_contact(xmpp_session_get_presence(conn->session), xmpp_jid_get_bare(jid));
  const XmppPresenceResource *best = c != NULL ? xmpp_presence_contact_get_best(c) : NULL;
  return best != NULL && *best->resource != '\0'
             ? g_strdup_printf("%s/%s", xmpp_jid_get_bare(jid), best->resource)
             : NULL;
}

PurpleXfer *
xmpp_purple_direct_new_xfer(XmppPurpleConn *conn, const char *who)
{
  g_return_val_if_fail(conn != NULL && conn->direct_state != NULL, NULL);
  g_autofree char *full = full_jid_of(conn, who);
  if (full == NULL) {
    purple_notify_error(conn->gc, _("File Transfer"), _("The file cannot be sent."),
                        _("The contact has no client online to send it to."));
    return NULL;
  }
  PurpleXfer *xfer = purple_xfer_new(conn->account, PURPLE_XFER_SEND, full);
  direct_new(conn, xfer, full);
  purple_xfer_set_init_fnc(xfer, send_init);
  purple_xfer_set_cancel_send_fnc(xfer, direct_detach);
  purple_xfer_set_end_fnc(xfer, direct_detach);
  return xfer;
}

/* ---- the area ------------------------------------------------------------------------------- */

void
xmpp_purple_direct_start(XmppPurpleConn *conn)
{
  conn->direct_state = g_new0(struct _XmppPurpleDirect, 1);
  conn->direct_state->conn = conn;
  conn->direct_state->transfers = g_ptr_array_new();
  xmpp_si_files_set_offered(si_of(conn), on_si_offered, conn);
  xmpp_jingle_files_set_offered(jingle_of(conn), on_jingle_offered, conn);
}

void
xmpp_purple_direct_stop(XmppPurpleConn *conn)
{
  struct _XmppPurpleDirect *state = conn->direct_state;
  if (state == NULL)
    return;
  if (conn->session != NULL) {
    xmpp_si_files_set_offered(si_of(conn), NULL, NULL);
    xmpp_jingle_files_set_offered(jingle_of(conn), NULL, NULL);
  }
  /* Each cancel frees its transfer, which leaves the list (else it is freed here). */
  while (state->transfers->len > 0) {
    guint before = state->transfers->len;
    Direct *d = state->transfers->pdata[before - 1];
    purple_xfer_cancel_local(d->xfer);
    if (state->transfers->len == before) {
      d->xfer->data = NULL;
      direct_free(d);
    }
  }
  g_ptr_array_unref(state->transfers);
  g_free(state);
  conn->direct_state = NULL;
}
