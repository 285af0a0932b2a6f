/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Direct transfers (purple-direct.h). A Direct belongs to its PurpleXfer; the area keeps the
 * list of them, so that the connection's end ends them all before the session (and its
 * streams) goes away. The bytes go over a SOCKS5 bytestream (purple-bytestreams.c) when the SI
 * peer takes one and a host can be reached, else in-band (IBB): the receiver always expects the
 * in-band stream too, and the sender opens it when no host works (as Pidgin's plugin does). */
#include "purple-direct.h"

#include "im/oob.h"
#include "im/presence.h"
#include "purple-direct-private.h"
#include "purple-i18n.h"
#include "services/socks5.h"

#define IBB_FALLBACK_TIMEOUT 30 /* seconds a receiver waits for in-band after SOCKS5 failed */

struct _XmppPurpleDirect {
  XmppPurpleConn *conn;
  GPtrArray *transfers; /* Direct*, not owned: each is its xfer's */
};

XmppSiFiles *
direct_si_of(XmppPurpleConn *conn)
{
  return xmpp_session_get_si_files(conn->session);
}

XmppJingleFiles *
direct_jingle_of(XmppPurpleConn *conn)
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
  xmpp_purple_s5b_free(d->s5b);
  if (d->bytestream != 0 && d->conn->session != NULL)
    xmpp_bytestreams_forget(xmpp_session_get_bytestreams(d->conn->session), d->bytestream);
  if (d->ibb_timer != 0)
    purple_timeout_remove(d->ibb_timer);
  if (d->own_hosts != NULL)
    g_ptr_array_unref(d->own_hosts);
  if (d->proxy_hosts != NULL)
    g_ptr_array_unref(d->proxy_hosts);
  if (d->offer != 0 && d->jingle)
    xmpp_jingle_decline(direct_jingle_of(d->conn), d->offer);
  else if (d->offer != 0)
    xmpp_si_decline(direct_si_of(d->conn), d->offer);
  if (d->jingle && d->sending && d->sid != NULL)
    xmpp_jingle_finish(direct_jingle_of(d->conn), d->sid, FALSE); /* cancelled (done: nothing) */
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

void
direct_fail(Direct *d, const char *text)
{
  purple_xfer_error(purple_xfer_get_type(d->xfer), d->conn->account, d->who, text);
  purple_xfer_cancel_local(d->xfer); /* detaches, frees d */
}

void
direct_finished(Direct *d)
{
  purple_xfer_set_bytes_sent(d->xfer, d->done);
  purple_xfer_update_progress(d->xfer);
  purple_xfer_set_completed(d->xfer, TRUE);
  purple_xfer_end(d->xfer); /* detaches, frees d */
}

/* The bytes stopped coming or going: error NULL when the stream ended as it should. */
void
direct_ended(Direct *d, const GError *error)
{
  if (error != NULL) {
    g_autofree char *text = g_strdup_printf(_("The transfer broke off: %s"), error->message);
    direct_fail(d, text);
  } else if (d->done != purple_xfer_get_size(d->xfer)) {
    direct_fail(d, d->sending ? _("The file changed while it was sent.")
                              : _("The transfer ended before the whole file came."));
  } else if (d->out != NULL) {
    g_autoptr(GError) e = NULL;
    if (!xmpp_purple_incoming_commit(d->out, &e)) {
      g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), e->message);
      direct_fail(d, text);
      return;
    }
    g_clear_pointer(&d->out, xmpp_purple_incoming_free);
    direct_finished(d);
  } else {
    direct_finished(d);
  }
}

void
direct_stream_closed(gpointer data, const GError *error)
{
  Direct *d = data;
  d->stream = NULL; /* gone in the core */
  direct_ended(d, error);
}

void
direct_s5b_closed(gpointer data, const GError *error)
{
  Direct *d = data;
  g_clear_pointer(&d->s5b, xmpp_purple_s5b_free);
  direct_ended(d, error);
}

const char *
direct_own_jid(Direct *d)
{
  const XmppJid *me = xmpp_session_get_bound_jid(d->conn->session);
  return me != NULL ? xmpp_jid_get_full(me) : NULL;
}

/* ---- receiving ------------------------------------------------------------------------------ */

static void
stream_received(gpointer data, const guint8 *bytes, gsize len)
{
  Direct *d = data;
  g_autoptr(GError) error = NULL;
  if (d->done + len > purple_xfer_get_size(d->xfer)) {
    direct_fail(d, _("The sender sent more than the file's size."));
  } else if (!xmpp_purple_incoming_write(d->out, bytes, len, &error)) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    direct_fail(d, text);
  } else {
    d->done += len;
    xmpp_purple_xfer_progress(d->xfer, (goffset)d->done, &d->told);
    /* A SOCKS5 sender may keep its socket open: the size says when the file is whole. */
    if (d->s5b != NULL && d->done == purple_xfer_get_size(d->xfer))
      direct_s5b_closed(d, NULL);
  }
}

static void
recv_opened(gpointer data)
{
  Direct *d = data;
  if (d->ibb_timer != 0)
    purple_timeout_remove(d->ibb_timer);
  d->ibb_timer = 0;
  g_clear_pointer(&d->s5b, xmpp_purple_s5b_free); /* the sender went in-band */
  purple_debug_info("lyre", "direct transfer from %s: receiving in-band\n", d->who);
  purple_xfer_start(d->xfer, -1, NULL, 0);
}

static gboolean
on_no_ibb(gpointer data)
{
  Direct *d = data;
  d->ibb_timer = 0;
  direct_fail(d, _("The sender's connection could not be reached."));
  return FALSE;
}

static void
recv_s5b_ready(gpointer data, const XmppStreamhost *host)
{
  Direct *d = data;
  purple_debug_info("lyre", "bytestream from %s: receiving through %s (%s:%u)\n", d->who, host->jid,
                    host->host, host->port);
  xmpp_bytestreams_answer(xmpp_session_get_bytestreams(d->conn->session), d->bytestream, host->jid);
  d->bytestream = 0;
  purple_xfer_start(d->xfer, -1, NULL, 0);
  xmpp_purple_s5b_receive(d->s5b);
}

static void
recv_s5b_failed(gpointer data, const char *why)
{
  Direct *d = data;
  purple_debug_info("lyre", "bytestream from %s: %s; waiting for in-band\n", d->who, why);
  g_clear_pointer(&d->s5b, xmpp_purple_s5b_free);
  xmpp_bytestreams_answer(xmpp_session_get_bytestreams(d->conn->session), d->bytestream, NULL);
  d->bytestream = 0;
  d->ibb_timer = purple_timeout_add_seconds(IBB_FALLBACK_TIMEOUT, on_no_ibb, d);
}

static const XmppPurpleS5bEvents recv_s5b_events = {.ready = recv_s5b_ready,
                                                    .failed = recv_s5b_failed,
                                                    .received = stream_received,
                                                    .closed = direct_s5b_closed};

/* The sender's streamhosts: the first we reach carries the file. */
static void
on_hosts_offered(gpointer data, const GPtrArray *hosts)
{
  Direct *d = data;
  const char *me = direct_own_jid(d);
  if (hosts->len == 0 || me == NULL) {
    recv_s5b_failed(d, "no usable streamhost");
    return;
  }
  g_autofree char *dst = xmpp_socks5_dst_addr(d->sid, d->who, me);
  d->s5b = xmpp_purple_s5b_new(d->conn->account, dst, &recv_s5b_events, d);
  xmpp_purple_s5b_connect(d->s5b, hosts);
}

static const XmppIbbEvents recv_events = {
    .opened = recv_opened, .received = stream_received, .closed = direct_stream_closed};

/* The user accepted and chose where the file goes: our answer names IBB, the sender opens. */
static void
recv_init(PurpleXfer *xfer)
{
  Direct *d = xfer->data;
  g_autoptr(GError) error = NULL;
  d->out = xmpp_purple_incoming_new(purple_xfer_get_local_filename(xfer), &error);
  if (d->out == NULL) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    direct_fail(d, text);
    return;
  }
  guint offer = d->offer;
  d->offer = 0;
  d->stream = d->jingle ? xmpp_jingle_accept(direct_jingle_of(d->conn), offer, &recv_events, d)
                        : xmpp_si_accept(direct_si_of(d->conn), offer, &recv_events,
                                         on_hosts_offered, d, &d->bytestream);
  if (d->stream == NULL)
    direct_fail(d, _("The sender withdrew the file."));
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
  d->sid = g_strdup(offer->sid);
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
  direct_new(conn, xfer, full)->sending = TRUE;
  purple_xfer_set_init_fnc(xfer, direct_send_init);
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
  xmpp_si_files_set_offered(direct_si_of(conn), on_si_offered, conn);
  xmpp_jingle_files_set_offered(direct_jingle_of(conn), on_jingle_offered, conn);
}

void
xmpp_purple_direct_stop(XmppPurpleConn *conn)
{
  struct _XmppPurpleDirect *state = conn->direct_state;
  if (state == NULL)
    return;
  if (conn->session != NULL) {
    xmpp_si_files_set_offered(direct_si_of(conn), NULL, NULL);
    xmpp_jingle_files_set_offered(direct_jingle_of(conn), NULL, NULL);
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
