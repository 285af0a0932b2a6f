/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Login and logout: account settings to session config, SRV lookups and socket connects, the
 * XmppHost (bytes out, timers, log) and the session events turned into libpurple calls. */
#include "purple-glue.h"
#include "purple-chat.h"
#include "purple-direct.h"
#include "purple-extras.h"
#include "purple-i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jid/jid.h"
#include "sasl/sasl.h"
#include "xml/lang.h"

static void try_next_target(XmppPurpleConn *conn);

static void
target_free(gpointer data)
{
  XmppPurpleTarget *t = data;
  if (t == NULL)
    return;
  g_free(t->host);
  g_free(t);
}

static XmppPurpleTarget *
target_new(const char *host, int port, XmppTransportKind kind)
{
  XmppPurpleTarget *t = g_new0(XmppPurpleTarget, 1);
  t->host = g_strdup(host);
  t->port = port;
  t->kind = kind;
  return t;
}

/* ---- the transport ---------------------------------------------------------------------- */

static gboolean flush_outbuf(XmppPurpleConn *conn);

static void
transport_teardown(XmppPurpleConn *conn)
{
  if (conn->read_watch != 0)
    purple_input_remove(conn->read_watch);
  if (conn->write_watch != 0)
    purple_input_remove(conn->write_watch);
  if (conn->fail_timer != 0)
    purple_timeout_remove(conn->fail_timer);
  conn->read_watch = conn->write_watch = conn->fail_timer = 0;
  if (conn->fd >= 0) {
    flush_outbuf(conn); /* best effort: the core's last words (a stream error) still leave */
    close(conn->fd);
  }
  conn->fd = -1;
  g_byte_array_set_size(conn->outbuf, 0);
}

/* Tells the core the transport is gone. Never called from inside a core call. */
static void
transport_lost(XmppPurpleConn *conn, const char *reason)
{
  purple_debug_info(XMPP_PURPLE_DEBUG, "transport closed: %s\n", reason);
  transport_teardown(conn);
  if (conn->session != NULL && !conn->session_closed)
    xmpp_session_transport_closed(conn->session, reason);
}

static gboolean
write_failed_cb(gpointer data)
{
  XmppPurpleConn *conn = data;
  conn->fail_timer = 0;
  /* The reason is shown to the user after the error's explanation. */
  transport_lost(conn, _("could not send to the server"));
  return G_SOURCE_REMOVE;
}

/* A write error inside host->send is reported from the main loop, not inside the core. */
static void
schedule_write_failure(XmppPurpleConn *conn, const char *why)
{
  purple_debug_warning(XMPP_PURPLE_DEBUG, "write failed: %s\n", why);
  if (conn->read_watch != 0)
    purple_input_remove(conn->read_watch);
  if (conn->write_watch != 0)
    purple_input_remove(conn->write_watch);
  conn->read_watch = conn->write_watch = 0;
  if (conn->fail_timer == 0)
    conn->fail_timer = purple_timeout_add(0, write_failed_cb, conn);
}

/* Writes as much of the buffer as the socket takes. FALSE on a hard error. */
static gboolean
flush_outbuf(XmppPurpleConn *conn)
{
  while (conn->outbuf->len > 0) {
    ssize_t n = send(conn->fd, conn->outbuf->data, conn->outbuf->len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return TRUE;
    if (n <= 0)
      return FALSE;
    g_byte_array_remove_range(conn->outbuf, 0, (guint)n);
  }
  return TRUE;
}

static void
write_cb(gpointer data, gint fd, PurpleInputCondition cond)
{
  XmppPurpleConn *conn = data;
  if (!flush_outbuf(conn)) {
    schedule_write_failure(conn, g_strerror(errno));
    return;
  }
  if (conn->outbuf->len == 0 && conn->write_watch != 0) {
    purple_input_remove(conn->write_watch);
    conn->write_watch = 0;
  }
}

static void
host_send(gpointer data, const guint8 *bytes, gsize len)
{
  XmppPurpleConn *conn = data;
  if (conn->fd < 0 || conn->fail_timer != 0) {
    purple_debug_warning(XMPP_PURPLE_DEBUG, "dropping %" G_GSIZE_FORMAT " bytes: no transport\n",
                         len);
    return;
  }
  if (conn->outbuf->len + len > XMPP_PURPLE_MAX_OUTBUF) {
    schedule_write_failure(conn, _("the server does not read what we send"));
    return;
  }
  /* Everything goes through the buffer, so bytes are never reordered nor lost. It is written
   * from the main loop: all that one iteration produces (a burst of messages, a reply and
   * the presence after it) leaves in one send() rather than one system call a stanza. */
  g_byte_array_append(conn->outbuf, bytes, (guint)len);
  if (conn->write_watch == 0)
    conn->write_watch = purple_input_add(conn->fd, PURPLE_INPUT_WRITE, write_cb, conn);
}

static void
read_cb(gpointer data, gint fd, PurpleInputCondition cond)
{
  XmppPurpleConn *conn = data;
  guint8 buf[XMPP_PURPLE_READ_CHUNK];
  ssize_t n = recv(conn->fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (n <= 0) {
    transport_lost(conn, n == 0 ? _("the server closed the connection") : g_strerror(errno));
    return;
  }
  /* Events from here may close the transport (closed, redirect): do not touch fd after. */
  xmpp_session_feed(conn->session, buf, (gsize)n);
}

static guint
host_timeout_add(gpointer data, guint ms, GSourceFunc func, gpointer func_data)
{
  return purple_timeout_add(ms, func, func_data);
}

static void
host_timeout_remove(gpointer data, guint handle)
{
  purple_timeout_remove(handle);
}

static void
host_log(gpointer data, XmppLogLevel level, const char *message)
{
  switch (level) {
    case XMPP_LOG_DEBUG:
      purple_debug_misc(XMPP_PURPLE_DEBUG, "%s\n", message);
      break;
    case XMPP_LOG_INFO:
      purple_debug_info(XMPP_PURPLE_DEBUG, "%s\n", message);
      break;
    case XMPP_LOG_WARNING:
      purple_debug_warning(XMPP_PURPLE_DEBUG, "%s\n", message);
      break;
    case XMPP_LOG_ERROR:
      purple_debug_error(XMPP_PURPLE_DEBUG, "%s\n", message);
      break;
  }
}

/* ---- connecting --------------------------------------------------------------------------- */

static void
fail_connect(XmppPurpleConn *conn)
{
  /* Signed in, the link lost: try again later while the session waits to be resumed. */
  if (xmpp_purple_resume_connect_failed(conn))
    return;
  char *text = g_strdup_printf(_("Unable to connect: %s"), conn->last_connect_error != NULL
                                                               ? conn->last_connect_error
                                                               : _("no server to try"));
  purple_connection_error_reason(conn->gc, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, text);
  g_free(text);
}

static void
cancel_connect_timer(XmppPurpleConn *conn)
{
  if (conn->connect_timer != 0) {
    purple_timeout_remove(conn->connect_timer);
    conn->connect_timer = 0;
  }
}

static void
connected_cb(gpointer data, gint source, const gchar *error_message)
{
  XmppPurpleConn *conn = data;
  conn->connect_data = NULL;
  cancel_connect_timer(conn);
  XmppPurpleTarget *t = g_queue_pop_head(&conn->targets);

  if (source < 0) {
    purple_debug_info(XMPP_PURPLE_DEBUG, "cannot connect to %s:%d: %s\n", t->host, t->port,
                      error_message != NULL ? error_message : "?");
    g_free(conn->last_connect_error);
    conn->last_connect_error = g_strdup(error_message != NULL ? error_message : t->host);
    target_free(t);
    try_next_target(conn);
    return;
  }

  purple_debug_info(XMPP_PURPLE_DEBUG, "connected to %s:%d (%s)\n", t->host, t->port,
                    t->kind == XMPP_TRANSPORT_DIRECT_TLS ? "direct TLS" : "TCP");
  conn->fd = source;
  conn->kind = t->kind;
  target_free(t);
  int flags = fcntl(source, F_GETFL, 0);
  if (flags >= 0)
    fcntl(source, F_SETFL, flags | O_NONBLOCK);
  /* Remaining targets are only for a failure to connect, not for later failures. */
  g_queue_clear_full(&conn->targets, target_free);
  conn->read_watch = purple_input_add(source, PURPLE_INPUT_READ, read_cb, conn);
  conn->transport_started = TRUE;
  xmpp_session_connect_transport(conn->session, conn->kind);
}

/* A TCP connect that neither succeeds nor fails (a dropped SYN, a filtered port): libpurple
 * would wait for the kernel's retries, about two minutes. Like every sign-in step it gets
 * XMPP_NEGOTIATION_STEP_TIMEOUT_S, then the next target is tried. */
static gboolean
connect_timed_out(gpointer data)
{
  XmppPurpleConn *conn = data;
  conn->connect_timer = 0;
  if (conn->connect_data != NULL) {
    purple_proxy_connect_cancel(conn->connect_data);
    conn->connect_data = NULL;
  }
  XmppPurpleTarget *t = g_queue_pop_head(&conn->targets);
  purple_debug_info(XMPP_PURPLE_DEBUG, "connecting to %s:%d timed out\n", t ? t->host : "?",
                    t ? t->port : 0);
  g_free(conn->last_connect_error);
  conn->last_connect_error = g_strdup(_("the server did not answer in time"));
  target_free(t);
  try_next_target(conn);
  return G_SOURCE_REMOVE;
}

static void
try_next_target(XmppPurpleConn *conn)
{
  XmppPurpleTarget *t;
  while ((t = g_queue_peek_head(&conn->targets)) != NULL) {
    purple_debug_info(XMPP_PURPLE_DEBUG, "trying %s:%d\n", t->host, t->port);
    /* Through purple_proxy_connect, so the user's proxy settings apply. */
    conn->connect_data =
        purple_proxy_connect(conn->gc, conn->account, t->host, t->port, connected_cb, conn);
    if (conn->connect_data != NULL) {
      conn->connect_timer =
          purple_timeout_add_seconds(XMPP_NEGOTIATION_STEP_TIMEOUT_S, connect_timed_out, conn);
      return;
    }
    g_queue_pop_head(&conn->targets);
    target_free(t);
  }
  fail_connect(conn);
}

/* SRV answers are already in RFC 2782 order: libpurple's dnssrv.c sorts by priority, then
 * does the weighted random selection within each priority. */
static GPtrArray *
srv_to_targets(PurpleSrvResponse *resp, int results, XmppTransportKind kind, gboolean *refused)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(target_free);
  /* RFC 2782 / RFC 6120 §3.2.1: a single target "." means the service is not offered. */
  if (results == 1 && (resp[0].hostname[0] == '\0' || strcmp(resp[0].hostname, ".") == 0)) {
    *refused = TRUE;
    return out;
  }
  for (int i = 0; i < results; i++) {
    if (resp[i].hostname[0] == '\0' || resp[i].port <= 0 || resp[i].port > 65535)
      continue;
    g_ptr_array_add(out, target_new(resp[i].hostname, resp[i].port, kind));
  }
  return out;
}

static void
start_after_srv(XmppPurpleConn *conn)
{
  if (conn->srv_pending > 0)
    return; /* wait for the other answer */
  const char *domain = xmpp_session_get_domain(conn->session);
  int port = purple_account_get_int(conn->account, XMPP_PURPLE_OPT_PORT, XMPP_PURPLE_DEFAULT_PORT);

  /* XEP-0368 §3: Direct TLS targets first (no cleartext at all), then STARTTLS ones. */
  for (guint i = 0; conn->srv_direct_results && i < conn->srv_direct_results->len; i++) {
    XmppPurpleTarget *t = conn->srv_direct_results->pdata[i];
    g_queue_push_tail(&conn->targets, target_new(t->host, t->port, t->kind));
  }
  if (conn->policy == XMPP_TLS_POLICY_DIRECT) {
    if (port == XMPP_PURPLE_DEFAULT_PORT)
      port = XMPP_PURPLE_DEFAULT_DIRECT_PORT; /* as prpl-jabber does for old_ssl */
    g_queue_push_tail(&conn->targets, target_new(domain, port, XMPP_TRANSPORT_DIRECT_TLS));
  } else {
    for (guint i = 0; conn->srv_tcp_results && i < conn->srv_tcp_results->len; i++) {
      XmppPurpleTarget *t = conn->srv_tcp_results->pdata[i];
      g_queue_push_tail(&conn->targets, target_new(t->host, t->port, t->kind));
    }
    /* RFC 6120 §3.2.1 fallback, unless the domain said "." for the service. */
    if (!conn->srv_tcp_refused)
      g_queue_push_tail(&conn->targets, target_new(domain, port, XMPP_TRANSPORT_TCP));
  }
  try_next_target(conn);
}

static void
srv_direct_cb(PurpleSrvResponse *resp, int results, gpointer data)
{
  XmppPurpleConn *conn = data;
  gboolean refused = FALSE;
  conn->srv_direct = NULL; /* libpurple frees the query after this callback */
  conn->srv_pending--;
  conn->srv_direct_results = srv_to_targets(resp, results, XMPP_TRANSPORT_DIRECT_TLS, &refused);
  g_free(resp);
  start_after_srv(conn);
}

static void
srv_tcp_cb(PurpleSrvResponse *resp, int results, gpointer data)
{
  XmppPurpleConn *conn = data;
  conn->srv_tcp = NULL;
  conn->srv_pending--;
  conn->srv_tcp_results = srv_to_targets(resp, results, XMPP_TRANSPORT_TCP, &conn->srv_tcp_refused);
  g_free(resp);
  start_after_srv(conn);
}

static void
start_connecting(XmppPurpleConn *conn)
{
  const char *server =
      purple_account_get_string(conn->account, XMPP_PURPLE_OPT_CONNECT_SERVER, NULL);
  int port = purple_account_get_int(conn->account, XMPP_PURPLE_OPT_PORT, XMPP_PURPLE_DEFAULT_PORT);

  if (server != NULL && *server != '\0') {
    /* An explicit server: no SRV (as prpl-jabber). */
    XmppTransportKind kind = XMPP_TRANSPORT_TCP;
    if (conn->policy == XMPP_TLS_POLICY_DIRECT) {
      kind = XMPP_TRANSPORT_DIRECT_TLS;
      if (port == XMPP_PURPLE_DEFAULT_PORT)
        port = XMPP_PURPLE_DEFAULT_DIRECT_PORT;
    }
    g_queue_push_tail(&conn->targets, target_new(server, port, kind));
    try_next_target(conn);
    return;
  }

  const char *domain = xmpp_session_get_domain(conn->session);
  const gboolean want_tcp = conn->policy != XMPP_TLS_POLICY_DIRECT;
  /* Both lookups run at once; start_after_srv waits for the last answer. libpurple may answer
   * synchronously (and return NULL), e.g. when the proxy forbids local DNS: a query pointer is
   * kept only while its answer is still due. */
  conn->srv_pending = want_tcp ? 2 : 1;
  PurpleSrvTxtQueryData *q =
      purple_srv_resolve_account(conn->account, "xmpps-client", "tcp", domain, srv_direct_cb, conn);
  if (conn->srv_direct_results == NULL)
    conn->srv_direct = q;
  if (want_tcp) {
    q = purple_srv_resolve_account(conn->account, "xmpp-client", "tcp", domain, srv_tcp_cb, conn);
    if (conn->srv_tcp_results == NULL)
      conn->srv_tcp = q;
  }
}

/* ---- session events ---------------------------------------------------------------------- */

static void
ev_progress(gpointer data, XmppSessionStep step)
{
  XmppPurpleConn *conn = data;
  const char *text;
  switch (step) {
    case XMPP_SESSION_STEP_CONNECTING:
      text = _("Connecting");
      break;
    case XMPP_SESSION_STEP_ENCRYPTING:
      text = _("Encrypting");
      break;
    case XMPP_SESSION_STEP_AUTHENTICATING:
      text = _("Authenticating");
      break;
    case XMPP_SESSION_STEP_BINDING:
      text = _("Binding resource");
      break;
    default:
      text = _("Connected");
      break;
  }
  purple_connection_update_progress(conn->gc, text, (size_t)step, XMPP_SESSION_N_STEPS);
}

/* The glue's areas, in the order they start when the session is ready; they stop in the
 * reverse order when the connection closes. The roster comes last: once it is in, it sends
 * initial presence (RFC 6121 §2.2), so every other area must be listening by then. */
static const struct {
  void (*start)(XmppPurpleConn *conn);
  void (*stop)(XmppPurpleConn *conn);
} areas[] = {
    {xmpp_purple_presence_start, xmpp_purple_presence_stop},
    {xmpp_purple_im_start, xmpp_purple_im_stop},
    {xmpp_purple_archive_start, xmpp_purple_archive_stop},
    {xmpp_purple_info_start, xmpp_purple_info_stop},
    {xmpp_purple_profile_start, xmpp_purple_profile_stop},
    {xmpp_purple_accountsvc_start, xmpp_purple_accountsvc_stop},
    {xmpp_purple_privacy_start, xmpp_purple_privacy_stop},
    {xmpp_purple_extras_start, xmpp_purple_extras_stop},
    {xmpp_purple_chat_start, xmpp_purple_chat_stop},
    {xmpp_purple_bookmarks_start, xmpp_purple_bookmarks_stop},
    {xmpp_purple_direct_start, xmpp_purple_direct_stop},
    {xmpp_purple_roster_start, xmpp_purple_roster_stop},
};

static void
ev_ready(gpointer data, const XmppJid *bound_jid)
{
  XmppPurpleConn *conn = data;
  const char *tls = xmpp_session_get_tls_description(conn->session);
  const char *mech = xmpp_session_get_sasl_mechanism(conn->session);
  purple_debug_info(XMPP_PURPLE_DEBUG, "signed in as %s (%s, %s)\n", xmpp_jid_get_full(bound_jid),
                    tls != NULL ? tls : "no TLS", mech != NULL ? mech : "?");
  purple_connection_set_display_name(conn->gc, xmpp_jid_get_full(bound_jid));
  /* Trust on first use, as for a certificate: once this account has signed in with channel
   * binding, a connection that cannot bind is refused (the core's require_channel_binding). */
  XmppChannelBinding cb = xmpp_session_get_channel_binding(conn->session);
  if (cb != XMPP_CB_NONE &&
      !purple_account_get_bool(conn->account, XMPP_PURPLE_OPT_REQUIRE_CB, FALSE)) {
    purple_debug_info(XMPP_PURPLE_DEBUG, "channel binding (%s) used: required from now on\n",
                      xmpp_channel_binding_name(cb));
    purple_account_set_bool(conn->account, XMPP_PURPLE_OPT_REQUIRE_CB, TRUE);
  }
  xmpp_purple_resume_back(conn);
  /* Ready again on the same session: the server had forgotten it (a failed resume). A new
   * sign-in for every area: roster, presence and the rest start over. */
  if (conn->areas_started) {
    purple_debug_info(XMPP_PURPLE_DEBUG, "signed in anew (the session could not be resumed)\n");
    for (gsize i = G_N_ELEMENTS(areas); i-- > 0;)
      areas[i].stop(conn);
  }
  /* Still "connecting" for purple: the account goes online with its whole buddy list, once
   * the roster is in and initial presence is out (xmpp_purple_connection_online). */
  conn->areas_started = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS(areas); i++)
    areas[i].start(conn);
}

static void
ev_interrupted(gpointer data, const GError *error)
{
  XmppPurpleConn *conn = data;
  /* Inside a core call: only the socket goes; the session waits for a new transport. */
  transport_teardown(conn);
  xmpp_purple_resume_interrupted(conn, error);
}

static void
ev_resumed(gpointer data)
{
  XmppPurpleConn *conn = data;
  purple_debug_info(XMPP_PURPLE_DEBUG, "session resumed: nothing lost\n");
  xmpp_purple_resume_back(conn);
}

void
xmpp_purple_connection_online(XmppPurpleConn *conn)
{
  if (purple_connection_get_state(conn->gc) != PURPLE_CONNECTED)
    purple_connection_set_state(conn->gc, PURPLE_CONNECTED);
}

static void
ev_scram_cache(gpointer data, const char *record)
{
  XmppPurpleConn *conn = data;
  if (!purple_account_get_remember_password(conn->account)) {
    purple_account_remove_setting(conn->account, XMPP_PURPLE_OPT_SCRAM_CACHE);
    return;
  }
  /* Unchanged on a repeat sign-in: no accounts.xml write. */
  if (g_strcmp0(purple_account_get_string(conn->account, XMPP_PURPLE_OPT_SCRAM_CACHE, NULL),
                record) != 0)
    purple_account_set_string(conn->account, XMPP_PURPLE_OPT_SCRAM_CACHE, record);
}

static void
ev_closed(gpointer data, const GError *error)
{
  XmppPurpleConn *conn = data;
  conn->session_closed = TRUE;
  if (error == NULL)
    return; /* our own xmpp_session_close(): close() flushes and tears down */
  if (g_error_matches(error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED))
    purple_account_remove_setting(conn->account, XMPP_PURPLE_OPT_SCRAM_CACHE);
  xmpp_purple_cert_cancel(conn);
  /* Inside a core call: stop reading and close the socket; no more core calls after this. */
  transport_teardown(conn);
  xmpp_purple_resume_report_undelivered(conn);
  char *text = NULL;
  PurpleConnectionError reason =
      xmpp_purple_error_from_gerror(error, xmpp_session_get_cert_problems(conn->session), &text);
  purple_debug_info(XMPP_PURPLE_DEBUG, "session closed: %s (%s %d)\n", error->message,
                    g_quark_to_string(error->domain), error->code);
  /* libpurple disconnects from a timeout, so conn stays valid until close(). */
  purple_connection_error_reason(conn->gc, reason, text);
  g_free(text);
}

static GBytes *
ev_trust_anchors(gpointer data, guint round)
{
  return xmpp_purple_trust_ca_pem(round);
}

static void
ev_certificate(gpointer data, const XmppCertInfo *info)
{
  xmpp_purple_cert_ask(data, info);
}

static void
ev_redirect(gpointer data, const char *host, guint port)
{
  XmppPurpleConn *conn = data;
  /* RFC 6120 §4.9.3.19: the old stream is over; connect the new one with the same transport
   * kind. The core keeps the JID's domain as the TLS reference identity. */
  transport_teardown(conn);
  if (port == 0)
    port = conn->kind == XMPP_TRANSPORT_DIRECT_TLS ? XMPP_PURPLE_DEFAULT_DIRECT_PORT
                                                   : XMPP_PURPLE_DEFAULT_PORT;
  purple_debug_info(XMPP_PURPLE_DEBUG, "redirected to %s:%u\n", host, port);
  g_queue_clear_full(&conn->targets, target_free);
  g_queue_push_tail(&conn->targets, target_new(host, (int)port, conn->kind));
  try_next_target(conn);
}

static void
ev_registration_ready(gpointer data)
{
  xmpp_purple_accountsvc_registration_ready(data);
}

static void
ev_not_sent(gpointer data, const XmppNode *message)
{
  xmpp_purple_resume_not_sent(data, message);
}

static const XmppSessionEvents session_events = {
    .progress = ev_progress,
    .ready = ev_ready,
    .closed = ev_closed,
    .interrupted = ev_interrupted,
    .resumed = ev_resumed,
    .not_sent = ev_not_sent,
    .certificate = ev_certificate,
    .redirect = ev_redirect,
    .registration_ready = ev_registration_ready,
    .scram_cache = ev_scram_cache,
    .trust_anchors = ev_trust_anchors,
};

/* ---- login / close ----------------------------------------------------------------------- */

static XmppTlsPolicy
policy_from_account(PurpleAccount *account)
{
  const char *v =
      purple_account_get_string(account, XMPP_PURPLE_OPT_SECURITY, XMPP_PURPLE_SECURITY_REQUIRE);
  if (g_strcmp0(v, XMPP_PURPLE_SECURITY_OPPORTUNISTIC) == 0)
    return XMPP_TLS_POLICY_OPPORTUNISTIC;
  if (g_strcmp0(v, XMPP_PURPLE_SECURITY_DIRECT) == 0)
    return XMPP_TLS_POLICY_DIRECT;
  return XMPP_TLS_POLICY_REQUIRE; /* unknown values fail safe */
}

static const char *
nonempty(const char *s)
{
  return s != NULL && *s != '\0' ? s : NULL;
}

static void connect_account(PurpleAccount *account, gboolean register_only);

void
xmpp_purple_connection_login(PurpleAccount *account)
{
  connect_account(account, FALSE);
}

void
xmpp_purple_connection_register(PurpleAccount *account)
{
  connect_account(account, TRUE);
}

/* What "Always accept" kept in libpurple's tls_peers pool for this account: under the JID's
 * domain (Lyre, and prpl-jabber without a connect server), or under the connect server (what
 * prpl-jabber used when one is set), so a migrated account keeps its decision. */
static char *
accepted_fingerprint(PurpleAccount *account, const char *jid)
{
  g_autoptr(XmppJid) parsed = xmpp_jid_parse(jid, NULL);
  g_autofree char *domain = parsed != NULL ? xmpp_jid_dup_domain_ascii(parsed) : NULL;
  const char *names[] = {
      domain,
      parsed != NULL ? xmpp_jid_get_domain(parsed) : NULL,
      purple_account_get_string(account, XMPP_PURPLE_OPT_CONNECT_SERVER, NULL),
  };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    char *fingerprint = xmpp_purple_trust_accepted_fingerprint(names[i]);
    if (fingerprint != NULL)
      return fingerprint;
  }
  return NULL;
}

static void
connect_account(PurpleAccount *account, gboolean register_only)
{
  PurpleConnection *gc = purple_account_get_connection(account);
  XmppPurpleConn *conn = g_new0(XmppPurpleConn, 1);
  conn->register_only = register_only;
  conn->gc = gc;
  conn->account = account;
  conn->fd = -1;
  conn->outbuf = g_byte_array_new();
  g_queue_init(&conn->targets);
  conn->policy = policy_from_account(account);
  conn->host = (XmppHost){
      .send = host_send,
      .timeout_add = host_timeout_add,
      .timeout_remove = host_timeout_remove,
      .log = host_log,
      .data = conn,
  };
  purple_connection_set_protocol_data(gc, conn);
  /* XHTML-IM both ways (purple-im.c); no images or custom smileys. */
  gc->flags |= PURPLE_CONNECTION_HTML | PURPLE_CONNECTION_NO_IMAGES;

  /* The username is "localpart@domain/resource" (the user splits); the resource may be empty:
   * then the server picks one (RFC 6120 §7.6). */
  const char *username = purple_account_get_username(account);
  const char *slash = username != NULL ? strchr(username, '/') : NULL;
  char *jid = slash != NULL ? g_strndup(username, (gsize)(slash - username)) : g_strdup(username);
  /* Our stream's xml:lang (RFC 6120 §4.7.4): the UI locale as a language tag, none for C. */
  char *xml_lang = xmpp_lang_from_locale(g_get_language_names()[0]);
  char *accepted = accepted_fingerprint(account, jid);
  XmppSessionConfig config = {
      .jid = jid,
      .resource = slash != NULL ? nonempty(slash + 1) : NULL,
      .password = purple_connection_get_password(gc),
      .lang = xml_lang,
      .tls_policy = conn->policy,
      .allow_plain_in_clear =
          purple_account_get_bool(account, XMPP_PURPLE_OPT_PLAIN_IN_CLEAR, FALSE),
      .ca_file = nonempty(purple_account_get_string(account, XMPP_PURPLE_OPT_CA_FILE, NULL)),
      .pinned_cert =
          nonempty(purple_account_get_string(account, XMPP_PURPLE_OPT_PINNED_CERT, NULL)),
      .accepted_cert = accepted,
      .register_only = register_only,
      .require_channel_binding =
          !register_only && purple_account_get_bool(account, XMPP_PURPLE_OPT_REQUIRE_CB, FALSE),
      .scram_cache =
          purple_account_get_remember_password(account)
              ? nonempty(purple_account_get_string(account, XMPP_PURPLE_OPT_SCRAM_CACHE, NULL))
              : NULL,
      .archive_after_id =
          nonempty(purple_account_get_string(account, XMPP_PURPLE_OPT_MAM_LAST_ID, NULL)),
      .archive_not_before_s = g_ascii_strtoll(
          purple_account_get_string(account, XMPP_PURPLE_OPT_MAM_NOT_BEFORE, "0"), NULL, 10),
  };
  GError *error = NULL;
  conn->session = xmpp_session_new(&config, &conn->host, &session_events, conn, &error);
  g_free(xml_lang);
  g_free(accepted);
  g_free(jid);
  if (conn->session == NULL) {
    char *text = NULL;
    PurpleConnectionError reason = xmpp_purple_error_from_gerror(error, 0, &text);
    purple_connection_error_reason(gc, reason, text);
    g_free(text);
    g_clear_error(&error);
    return;
  }

  purple_connection_update_progress(gc, _("Connecting"), XMPP_SESSION_STEP_CONNECTING,
                                    XMPP_SESSION_N_STEPS);
  if (!register_only)
    xmpp_purple_resume_start(conn);
  start_connecting(conn);
}

void
xmpp_purple_connection_reconnect(XmppPurpleConn *conn)
{
  g_queue_clear_full(&conn->targets, target_free);
  g_clear_pointer(&conn->srv_direct_results, g_ptr_array_unref);
  g_clear_pointer(&conn->srv_tcp_results, g_ptr_array_unref);
  conn->srv_tcp_refused = FALSE;
  g_clear_pointer(&conn->last_connect_error, g_free);
  start_connecting(conn);
}

void
xmpp_purple_connection_close(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL)
    return;
  xmpp_purple_cert_cancel(conn);
  cancel_connect_timer(conn);
  if (conn->connect_data != NULL)
    purple_proxy_connect_cancel(conn->connect_data);
  if (conn->srv_direct != NULL)
    purple_srv_txt_query_destroy(conn->srv_direct);
  if (conn->srv_tcp != NULL)
    purple_srv_txt_query_destroy(conn->srv_tcp);
  conn->connect_data = NULL;
  conn->srv_direct = conn->srv_tcp = NULL;

  for (gsize i = G_N_ELEMENTS(areas); i-- > 0;)
    areas[i].stop(conn);
  conn->areas_started = FALSE;
  xmpp_purple_resume_stop(conn);
  if (conn->session != NULL) {
    /* Signing off while the link is down: what waited for it never left. */
    if (!conn->session_closed && xmpp_session_is_detached(conn->session))
      xmpp_purple_resume_report_undelivered(conn);
    /* </stream:stream> and close_notify go out best-effort through host_send. */
    if (conn->transport_started && !conn->session_closed && conn->fd >= 0) {
      xmpp_session_close(conn->session);
      flush_outbuf(conn);
    }
    xmpp_session_free(conn->session);
    conn->session = NULL;
  }
  transport_teardown(conn);
  g_queue_clear_full(&conn->targets, target_free);
  if (conn->srv_direct_results != NULL)
    g_ptr_array_unref(conn->srv_direct_results);
  if (conn->srv_tcp_results != NULL)
    g_ptr_array_unref(conn->srv_tcp_results);
  g_byte_array_unref(conn->outbuf);
  g_free(conn->last_connect_error);
  purple_connection_set_protocol_data(gc, NULL);
  g_free(conn);
}
