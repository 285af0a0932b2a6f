/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sending a direct transfer (purple-direct-private.h): the offer (Jingle where the peer's caps
 * say so, SI otherwise), then the bytes in-band, or over SOCKS5 bytestreams when an SI receiver
 * chose them: our own streamhost and the proxies (the server's, the user's) are gathered and
 * listed, and the receiver's choice is connected (and a proxy activated). When it reaches none,
 * the file goes in-band. */
#include "purple-direct-private.h"

#include "purple-i18n.h"
#include "services/caps.h"
#include "services/socks5.h"

#define MAX_PROXIES 4 /* proxies asked for their address per transfer */

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
    direct_fail(d, text);
  } else if (n == 0) {
    /* The end of the file, every block taken: done. The close is not waited for (Pidgin's
     * built-in plugin ends its side on the last block and never answers it). */
    xmpp_ibb_close(d->stream, TRUE);
    d->stream = NULL;
    if (d->jingle)
      xmpp_jingle_finish(direct_jingle_of(d->conn), d->sid, TRUE);
    direct_ended(d, NULL); /* done, or the file changed meanwhile */
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
    .opened = send_opened, .acked = send_acked, .closed = direct_stream_closed};

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
    direct_fail(d, _("Too many transfers at once."));
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
    direct_fail(d, text);
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
  direct_fail(d, text);
}

static void send_s5b_listening(gpointer data, guint16 port);

static const XmppPurpleS5bEvents send_s5b_events = {.listening = send_s5b_listening,
                                                    .ready = send_s5b_ready,
                                                    .failed = send_s5b_failed,
                                                    .sent = s5b_sent,
                                                    .closed = direct_s5b_closed};

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
  } else if (g_strcmp0(used->jid, direct_own_jid(d)) == 0) {
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
  const char *me = direct_own_jid(d);
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
  const char *me = direct_own_jid(d);
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
      direct_fail(d, error->message);
    return;
  }
  if (method == XMPP_SI_BYTESTREAMS)
    start_bytestreams(d);
  else
    open_in_band(d);
}

void
direct_send_init(PurpleXfer *xfer)
{
  Direct *d = xfer->data;
  g_autoptr(GFile) file = g_file_new_for_path(purple_xfer_get_local_filename(xfer));
  g_autoptr(GError) error = NULL;
  d->in = G_INPUT_STREAM(g_file_read(file, NULL, &error));
  if (d->in == NULL) {
    g_autofree char *text = g_strdup_printf(_("The file could not be read: %s"), error->message);
    direct_fail(d, text);
    return;
  }
  Waiting *w = waiting_new(d);
  /* Jingle where the peer's client says it takes it (Conversations, Dino...), SI otherwise. */
  const XmppDiscoInfo *info =
      xmpp_caps_get_jid_info(xmpp_session_get_caps(d->conn->session), d->who);
  d->jingle = xmpp_jingle_files_supported(info);
  gboolean sent_offer =
      d->jingle
          ? xmpp_jingle_offer(direct_jingle_of(d->conn), d->who, purple_xfer_get_filename(xfer),
                              purple_xfer_get_size(xfer), &d->sid, on_answered, w, waiting_free)
          : xmpp_si_offer(direct_si_of(d->conn), d->who, purple_xfer_get_filename(xfer),
                          purple_xfer_get_size(xfer), &d->sid, on_answered, w, waiting_free);
  if (!sent_offer) {
    waiting_free(w);
    direct_fail(d, _("The file cannot be offered to this address."));
  }
}
