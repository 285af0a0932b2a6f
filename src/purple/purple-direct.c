/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Direct transfers (purple-direct.h). A Direct belongs to its PurpleXfer; the area keeps the
 * list of them, so that the connection's end ends them all before the session (and its
 * streams) goes away. The bytes go over a SOCKS5 bytestream (purple-bytestreams.c) when the SI
 * peer takes one and a host can be reached, else in-band (IBB): the receiver always expects the
 * in-band stream too, and the sender opens it when no host works (as Pidgin's plugin does). */
#include "purple-direct.h"

#include <gio/gio.h>

#include "im/oob.h"
#include "im/presence.h"
#include "purple-bytestreams.h"
#include "purple-glue.h"
#include "purple-http.h"
#include "purple-i18n.h"
#include "services/caps.h"
#include "services/jingle-file.h"
#include "services/si-file.h"
#include "services/socks5.h"

#define MAX_PROXIES          4  /* proxies asked for their address per transfer */
#define IBB_FALLBACK_TIMEOUT 30 /* seconds a receiver waits for in-band after SOCKS5 failed */

struct _XmppPurpleDirect {
  XmppPurpleConn *conn;
  GPtrArray *transfers; /* Direct*, not owned: each is its xfer's */
};

typedef struct {
  XmppPurpleConn *conn;
  PurpleXfer *xfer;
  char *who;       /* the peer's full JID */
  gboolean jingle; /* XEP-0234 (Jingle) rather than XEP-0096 (SI) */
  gboolean sending;
  guint offer; /* receiving: the offer, until answered (0 after) */
  char *sid;   /* the stream's id */
  XmppIbbStream *stream;
  XmppPurpleS5b *s5b;      /* the SOCKS5 bytestream, while tried or used */
  guint bytestream;        /* receiving: the hosts' handle, until answered */
  guint ibb_timer;         /* receiving: waiting for in-band after SOCKS5 failed */
  guint asking;            /* sending: our streamhost and proxies not known yet */
  GPtrArray *own_hosts;    /* sending: XmppStreamhost*, ours */
  GPtrArray *proxy_hosts;  /* sending: XmppStreamhost*, the proxies' */
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
    xmpp_jingle_decline(jingle_of(d->conn), d->offer);
  else if (d->offer != 0)
    xmpp_si_decline(si_of(d->conn), d->offer);
  if (d->jingle && d->sending && d->sid != NULL)
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

/* The bytes stopped coming or going: error NULL when the stream ended as it should. */
static void
ended(Direct *d, const GError *error)
{
  if (error != NULL) {
    g_autofree char *text = g_strdup_printf(_("The transfer broke off: %s"), error->message);
    fail(d, text);
  } else if (d->done != purple_xfer_get_size(d->xfer)) {
    fail(d, d->sending ? _("The file changed while it was sent.")
                       : _("The transfer ended before the whole file came."));
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

static void
stream_closed(gpointer data, const GError *error)
{
  Direct *d = data;
  d->stream = NULL; /* gone in the core */
  ended(d, error);
}

static void
s5b_closed(gpointer data, const GError *error)
{
  Direct *d = data;
  g_clear_pointer(&d->s5b, xmpp_purple_s5b_free);
  ended(d, error);
}

static const char *
own_jid(Direct *d)
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
    fail(d, _("The sender sent more than the file's size."));
  } else if (!xmpp_purple_incoming_write(d->out, bytes, len, &error)) {
    g_autofree char *text = g_strdup_printf(_("The file could not be saved: %s"), error->message);
    fail(d, text);
  } else {
    d->done += len;
    xmpp_purple_xfer_progress(d->xfer, (goffset)d->done, &d->told);
    /* A SOCKS5 sender may keep its socket open: the size says when the file is whole. */
    if (d->s5b != NULL && d->done == purple_xfer_get_size(d->xfer))
      s5b_closed(d, NULL);
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
  fail(d, _("The sender's connection could not be reached."));
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
                                                    .closed = s5b_closed};

/* The sender's streamhosts: the first we reach carries the file. */
static void
on_hosts_offered(gpointer data, const GPtrArray *hosts)
{
  Direct *d = data;
  const char *me = own_jid(d);
  if (hosts->len == 0 || me == NULL) {
    recv_s5b_failed(d, "no usable streamhost");
    return;
  }
  g_autofree char *dst = xmpp_socks5_dst_addr(d->sid, d->who, me);
  d->s5b = xmpp_purple_s5b_new(d->conn->account, dst, &recv_s5b_events, d);
  xmpp_purple_s5b_connect(d->s5b, hosts);
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
                        : xmpp_si_accept(si_of(d->conn), offer, &recv_events, on_hosts_offered, d,
                                         &d->bytestream);
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
  PurpleXfer *xfer; /* referenced while an answer is awaited */
} Waiting;

static Waiting *
waiting_new(Direct *d)
{
  Waiting *w = g_new0(Waiting, 1);
  w->conn = d->conn;
  w->xfer = d->xfer;
  purple_xfer_ref(d->xfer);
  return w;
}

static void
waiting_free(gpointer data)
{
  Waiting *w = data;
  purple_xfer_unref(w->xfer);
  g_free(w);
}

/* The transfer an answer is for, or NULL when it ended meanwhile (or the session did). */
static Direct *
waited(Waiting *w, const GError *error)
{
  Direct *d = w->xfer->data;
  return d != NULL && !xmpp_iq_error_is_ended(error) ? d : NULL;
}

static void
open_in_band(Direct *d)
{
  g_clear_pointer(&d->s5b, xmpp_purple_s5b_free);
  purple_debug_info("lyre", "direct transfer to %s: sending in-band\n", d->who);
  d->stream =
      xmpp_ibb_open(xmpp_session_get_ibb(d->conn->session), d->who, d->sid, &send_events, d);
  if (d->stream == NULL)
    fail(d, _("Too many transfers at once."));
}

/* ---- sending over SOCKS5 -------------------------------------------------------------------- */

static void
s5b_sent(gpointer data, gsize len)
{
  Direct *d = data;
  d->done += len;
  xmpp_purple_xfer_progress(d->xfer, (goffset)d->done, &d->told);
}

static void
start_sending(Direct *d)
{
  purple_xfer_start(d->xfer, -1, NULL, 0);
  xmpp_purple_s5b_send(d->s5b, d->in);
}

static void
on_activated(gpointer data, const GError *error)
{
  Direct *d = waited(data, error);
  if (d == NULL || d->s5b == NULL)
    return;
  if (error != NULL) {
    g_autofree char *text =
        g_strdup_printf(_("The proxy did not join the transfer: %s"), error->message);
    fail(d, text);
    return;
  }
  start_sending(d);
}

/* Connected: to our streamhost by the receiver (host NULL), or by us to the proxy it chose,
 * which joins the two connections once asked. */
static void
send_s5b_ready(gpointer data, const XmppStreamhost *host)
{
  Direct *d = data;
  purple_debug_info("lyre", "bytestream to %s: sending through %s\n", d->who,
                    host != NULL ? host->jid : "our own streamhost");
  if (host == NULL) {
    start_sending(d);
    return;
  }
  xmpp_bytestreams_activate(xmpp_session_get_bytestreams(d->conn->session), host->jid, d->sid,
                            d->who, on_activated, waiting_new(d), waiting_free);
}

static void
send_s5b_failed(gpointer data, const char *why)
{
  Direct *d = data;
  g_autofree char *text = g_strdup_printf(_("The transfer broke off: %s"), why);
  fail(d, text);
}

static void send_s5b_listening(gpointer data, guint16 port);

static const XmppPurpleS5bEvents send_s5b_events = {.listening = send_s5b_listening,
                                                    .ready = send_s5b_ready,
                                                    .failed = send_s5b_failed,
                                                    .sent = s5b_sent,
                                                    .closed = s5b_closed};

/* The receiver's answer to our hosts: the one it reached, or none (then in-band). */
static void
on_used(gpointer data, const XmppStreamhost *used, const GError *error)
{
  Direct *d = waited(data, error);
  if (d == NULL || d->s5b == NULL)
    return;
  if (error != NULL) {
    purple_debug_info("lyre", "bytestream to %s: %s; going in-band\n", d->who, error->message);
    open_in_band(d);
  } else if (g_strcmp0(used->jid, own_jid(d)) == 0) {
    xmpp_purple_s5b_take_accepted(d->s5b);
  } else {
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_ptr_array_add(one, (gpointer)used);
    xmpp_purple_s5b_connect(d->s5b, one);
  }
}

/* Every host is known: ours first (the shortest way), then the proxies. */
static void
offer_hosts(Direct *d)
{
  if (--d->asking > 0)
    return;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new();
  for (guint i = 0; d->own_hosts != NULL && i < d->own_hosts->len; i++)
    g_ptr_array_add(hosts, d->own_hosts->pdata[i]);
  for (guint i = 0; d->proxy_hosts != NULL && i < d->proxy_hosts->len; i++)
    g_ptr_array_add(hosts, d->proxy_hosts->pdata[i]);
  if (!xmpp_bytestreams_offer(xmpp_session_get_bytestreams(d->conn->session), d->who, d->sid, hosts,
                              on_used, waiting_new(d), waiting_free))
    open_in_band(d); /* no host at all */
}

static void
send_s5b_listening(gpointer data, guint16 port)
{
  Direct *d = data;
  const char *me = own_jid(d);
  if (port != 0 && me != NULL)
    d->own_hosts = xmpp_purple_s5b_own_hosts(d->conn->fd, me, port);
  offer_hosts(d);
}

static void
on_proxy_found(gpointer data, const XmppStreamhost *host, const GError *error)
{
  Direct *d = waited(data, error);
  if (d == NULL || d->s5b == NULL)
    return;
  if (host != NULL)
    g_ptr_array_add(d->proxy_hosts, xmpp_streamhost_new(host->jid, host->host, host->port));
  else
    purple_debug_info("lyre", "bytestream proxy: %s\n", error->message);
  offer_hosts(d);
}

/* The proxies to list: the server's, then those the user named ("File transfer proxies"). */
static GPtrArray *
proxies_of(Direct *d)
{
  GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);
  const char *server =
      xmpp_bytestreams_server_proxy(xmpp_session_get_bytestreams(d->conn->session));
  if (server != NULL)
    g_ptr_array_add(jids, g_strdup(server));
  const char *option =
      purple_account_get_string(d->conn->account, XMPP_PURPLE_OPT_FT_PROXIES, NULL);
  g_auto(GStrv) named = g_strsplit(option != NULL ? option : "", ",", -1);
  for (guint i = 0; named[i] != NULL && jids->len < MAX_PROXIES; i++) {
    char *jid = g_strstrip(named[i]);
    if (*jid != '\0' && !g_ptr_array_find_with_equal_func(jids, jid, g_str_equal, NULL))
      g_ptr_array_add(jids, g_strdup(jid));
  }
  return jids;
}

/* The receiver chose SOCKS5: our streamhost (not through Tor: it would give our address away)
 * and the proxies' addresses are gathered, then listed to it. */
static void
start_bytestreams(Direct *d)
{
  const char *me = own_jid(d);
  if (me == NULL) {
    open_in_band(d);
    return;
  }
  g_autofree char *dst = xmpp_socks5_dst_addr(d->sid, me, d->who);
  d->s5b = xmpp_purple_s5b_new(d->conn->account, dst, &send_s5b_events, d);
  d->proxy_hosts = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
  g_autoptr(GPtrArray) proxies = proxies_of(d);
  PurpleProxyInfo *proxy = purple_proxy_get_setup(d->conn->account);
  gboolean tor = proxy != NULL && purple_proxy_info_get_type(proxy) == PURPLE_PROXY_TOR;
  d->asking = proxies->len + (tor ? 0 : 1) + 1; /* the last one is this function's own */
  for (guint i = 0; i < proxies->len; i++)
    xmpp_bytestreams_ask_proxy(xmpp_session_get_bytestreams(d->conn->session), proxies->pdata[i],
                               on_proxy_found, waiting_new(d), waiting_free);
  if (!tor)
    xmpp_purple_s5b_listen(d->s5b); /* may answer at once (never the last) */
  offer_hosts(d);
}

static void
on_answered(gpointer data, XmppSiMethod method, const GError *error)
{
  Direct *d = waited(data, error);
  if (d == NULL)
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
  if (method == XMPP_SI_BYTESTREAMS)
    start_bytestreams(d);
  else
    open_in_band(d);
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
  Waiting *w = waiting_new(d);
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
  direct_new(conn, xfer, full)->sending = TRUE;
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
