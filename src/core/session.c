/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSession: the composition root. Owns the router and the current stream, drives stream
 * negotiation (RFC 6120 §4-§7: STARTTLS, SASL, bind) and reports to the host. */
#include "session.h"

#include "services/ping.h"
#include "router/namespaces.h"
#include "session-private.h"
#include "stream/stream-error.h"

/* Not G_DEFINE_QUARK: clang-format spaces its unquoted name ("xmpp - ... - quark"). */
GQuark
xmpp_session_error_quark(void)
{
  return g_quark_from_static_string("xmpp-session-error-quark");
}

/* ---- lifetime: public entry points hold the session so a callback may free it ---- */

static void session_destroy(XmppSession *session);

void
xmpp_session_enter(XmppSession *session)
{
  session->in_use++;
}

gboolean
xmpp_session_leave(XmppSession *session)
{
  if (--session->in_use == 0 && session->free_pending) {
    session_destroy(session);
    return FALSE;
  }
  return !session->free_pending;
}

/* ---- small helpers ---- */

static const char *
step_name(XmppSessionState state)
{
  switch (state) {
    case XMPP_SESSION_STATE_WAIT_HEADER:
      return "waiting for the stream header";
    case XMPP_SESSION_STATE_WAIT_FEATURES:
      return "waiting for the stream features";
    case XMPP_SESSION_STATE_STARTTLS:
      return "starting TLS";
    case XMPP_SESSION_STATE_TLS_HANDSHAKE:
      return "in the TLS handshake";
    case XMPP_SESSION_STATE_SASL:
    case XMPP_SESSION_STATE_LEGACY_AUTH:
      return "authenticating";
    case XMPP_SESSION_STATE_BIND:
      return "binding a resource";
    case XMPP_SESSION_STATE_RESUME:
      return "resuming the session";
    default:
      return "signing in";
  }
}

static gboolean
negotiation_timeout(gpointer data)
{
  XmppSession *session = data;
  session->negotiation_timer = 0;
  xmpp_session_enter(session);
  g_autoptr(GError) error = g_error_new(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NEGOTIATION_TIMEOUT,
                                        "no answer from the server for %d s while %s",
                                        XMPP_NEGOTIATION_STEP_TIMEOUT_S, step_name(session->state));
  xmpp_session_lose_link(session, error);
  xmpp_session_leave(session);
  return G_SOURCE_REMOVE;
}

/* A sign-in step begins (or made progress): its deadline starts now. Outside a sign-in, and
 * while the user decides about a certificate, there is none. */
void
xmpp_session_step_begins(XmppSession *session)
{
  if (session->negotiation_timer != 0) {
    session->host.timeout_remove(session->host.data, session->negotiation_timer);
    session->negotiation_timer = 0;
  }
  switch (session->state) {
    case XMPP_SESSION_STATE_IDLE:
    case XMPP_SESSION_STATE_CERT_DECISION:
    case XMPP_SESSION_STATE_READY:
    case XMPP_SESSION_STATE_DETACHED:
    case XMPP_SESSION_STATE_CLOSED:
      return;
    default:
      session->negotiation_timer = session->host.timeout_add(
          session->host.data, XMPP_NEGOTIATION_STEP_TIMEOUT_S * 1000, negotiation_timeout, session);
  }
}

void
xmpp_session_progress(XmppSession *session, XmppSessionStep step)
{
  if (session->events.progress != NULL)
    session->events.progress(session->events_data, step);
}

void
xmpp_session_fail(XmppSession *session, const GError *error)
{
  if (session->state == XMPP_SESSION_STATE_CLOSED || session->state == XMPP_SESSION_STATE_IDLE)
    return;
  xmpp_host_log(&session->host, XMPP_LOG_INFO, "session failed: %s",
                error ? error->message : "closed");
  session->state = XMPP_SESSION_STATE_CLOSED;
  session->signed_in = FALSE;
  xmpp_session_sm_ack_settled(session);
  if (session->archive_timer != 0) {
    session->host.timeout_remove(session->host.data, session->archive_timer);
    session->archive_timer = 0;
  }
  xmpp_session_step_begins(session); /* no deadline any more */
  if (session->stream != NULL)
    xmpp_stream_close(session->stream);
  xmpp_router_fail_pending(session->router);
  g_clear_pointer(&session->ping, xmpp_ping_free);
  if (session->events.closed != NULL)
    session->events.closed(session->events_data, error);
}

void
xmpp_session_fail_with(XmppSession *session, GQuark domain, int code, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_autoptr(GError) error = g_error_new_literal(domain, code, message);
  g_free(message);
  xmpp_session_fail(session, error);
}

/* Refuses the stream with a stream error, then fails the session. */
void
xmpp_session_refuse(XmppSession *session, XmppStreamErrorCondition condition, GQuark domain,
                    int code, const char *message)
{
  if (session->stream != NULL && !xmpp_stream_is_closed(session->stream)) {
    g_autoptr(XmppNode) error = xmpp_stream_error_new(condition);
    xmpp_stream_send_error(session->stream, error);
  }
  xmpp_session_fail_with(session, domain, code, "%s", message);
}

void
xmpp_session_send_element(XmppSession *session, const XmppNode *element)
{
  if (session->stream == NULL)
    return;
  xmpp_session_tap_element(session, XMPP_TAP_OUT, element);
  xmpp_stream_send(session->stream, element);
}

static void maybe_catch_up(XmppSession *session);

/* The negotiation's own IQs (bind, session establishment), which go out while signing in. */
static gboolean
is_negotiation_iq(const XmppNode *node)
{
  if (!xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "iq"))
    return FALSE;
  XmppNode *payload = xmpp_node_first_element(node);
  return payload != NULL && (xmpp_node_is(payload, XMPP_NS_BIND, "bind") ||
                             xmpp_node_is(payload, XMPP_NS_SESSION, "session"));
}

static gboolean
is_message_with_body(const XmppNode *node)
{
  return xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "message") &&
         xmpp_node_get_child(node, XMPP_NS_JABBER_CLIENT, "body") != NULL;
}

void
xmpp_session_report_not_sent(XmppSession *session, const XmppNode *node)
{
  xmpp_host_log(&session->host, XMPP_LOG_WARNING, "not sending <%s/>: too much waiting to be sent",
                node->name ? node->name : "?");
  if (is_message_with_body(node) && session->events.not_sent != NULL)
    session->events.not_sent(session->events_data, node);
}

/* Writes a stanza on the transport now, counted by stream management. given: the same node,
 * ours to give (from the waiting queue): stream management keeps it rather than a copy, and
 * it is freed here when not kept. */
static void
send_now_given(XmppSession *session, const XmppNode *node, XmppNode *given)
{
  gboolean kept = FALSE;
  gboolean ok = given != NULL ? xmpp_session_sm_outbound_give(session, given, &kept)
                              : xmpp_session_sm_outbound(session, node);
  g_autoptr(XmppNode) ours = kept ? NULL : given;
  if (!ok)
    return;
  xmpp_session_send_element(session, node);
  xmpp_session_sm_written(session, node);
  /* RFC 6121 §4.2: our initial presence (available, to nobody in particular) is out. */
  if (!session->initial_presence_out && session->signed_in &&
      xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "presence") &&
      xmpp_node_get_attr(node, "to") == NULL && xmpp_node_get_attr(node, "type") == NULL) {
    session->initial_presence_out = TRUE;
    maybe_catch_up(session);
  }
}

static void
send_now(XmppSession *session, const XmppNode *node)
{
  send_now_given(session, node, NULL);
}

/* Every stanza the core sends. Past the stream management window, it waits its turn. While
 * signed in without a usable transport (detached, or a new one still negotiating), it waits
 * too: stream management keeps it for the resume, or it is held until we are bound again. */
static void
router_send(gpointer data, const XmppNode *node)
{
  XmppSession *session = data;
  gboolean no_link =
      session->signed_in && session->state != XMPP_SESSION_STATE_READY && !is_negotiation_iq(node);
  if (no_link && !xmpp_sm_is_counting(session->sm)) {
    if (session->held->len < XMPP_SESSION_MAX_HELD)
      g_ptr_array_add(session->held, xmpp_node_copy(node));
    else
      xmpp_session_report_not_sent(session, node);
  } else if (!is_negotiation_iq(node) && xmpp_session_sm_must_wait(session, node)) {
    xmpp_session_sm_wait(session, node);
  } else if (no_link) {
    xmpp_session_sm_outbound(session, node); /* kept, and sent on the resume */
  } else {
    send_now(session, node);
  }
}

void
xmpp_session_drain_waiting(XmppSession *session)
{
  while (!g_queue_is_empty(&session->waiting) && session->state == XMPP_SESSION_STATE_READY &&
         xmpp_sm_n_unacked(session->sm) < XMPP_SM_WINDOW) {
    XmppNode *node = g_queue_pop_head(&session->waiting);
    send_now_given(session, node, node);
  }
}

void
xmpp_session_open_stream(XmppSession *session)
{
  session->state = XMPP_SESSION_STATE_WAIT_HEADER;
  g_clear_pointer(&session->stream_id, g_free);
  /* RFC 6120 §4.7.1: 'from' (our bare JID) only once the stream is encrypted. */
  xmpp_stream_open(session->stream, xmpp_jid_get_domain(session->account),
                   session->tls_active ? xmpp_jid_get_bare(session->account) : NULL,
                   session->config.lang);
  xmpp_session_step_begins(session);
}

/* ---- stream callbacks ---- */

static void
on_stream_start(gpointer data, const XmppNode *header)
{
  XmppSession *session = data;
  if (session->state != XMPP_SESSION_STATE_WAIT_HEADER) {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_INVALID_XML, XMPP_SESSION_ERROR,
                        XMPP_SESSION_ERROR_PROTOCOL, "unexpected stream header");
    return;
  }
  g_free(session->stream_id);
  session->stream_id = g_strdup(xmpp_node_get_attr(header, "id"));
  const char *version = xmpp_node_get_attr(header, "version");
  if (version == NULL || g_ascii_strtod(version, NULL) < 1.0) {
    /* A pre-RFC 3920 server sends no features: only legacy auth (XEP-0078) is possible. */
    xmpp_session_start_legacy(session);
  } else {
    session->state = XMPP_SESSION_STATE_WAIT_FEATURES;
  }
  xmpp_session_step_begins(session);
}

static void
handle_stream_error(XmppSession *session, const XmppNode *element)
{
  g_autoptr(XmppStreamErrorInfo) info = xmpp_stream_error_info_parse(element);
  if (info->condition == XMPP_STREAM_ERROR_SEE_OTHER_HOST &&
      session->state != XMPP_SESSION_STATE_READY) {
    g_autofree char *host = NULL;
    guint port = 0;
    if (session->redirects >= XMPP_SESSION_MAX_REDIRECTS) {
      xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_REDIRECT_LIMIT,
                             "redirected more than %d times", XMPP_SESSION_MAX_REDIRECTS);
      return;
    }
    if (xmpp_stream_error_split_host(info->see_other_host, &host, &port) &&
        session->events.redirect != NULL) {
      session->redirects++;
      xmpp_host_log(&session->host, XMPP_LOG_INFO, "redirected to %s (port %u)", host, port);
      /* RFC 6120 §4.9.3.19: same policies, and the TLS identity stays the JID's domain. */
      xmpp_stream_close(session->stream);
      session->state = XMPP_SESSION_STATE_IDLE;
      xmpp_session_step_begins(session); /* the next transport starts its own */
      session->events.redirect(session->events_data, host, port);
      return;
    }
  }
  g_autoptr(GError) error = xmpp_stream_error_info_to_gerror(info);
  xmpp_session_lose_link(session, error);
}

static void handle_negotiation_element(XmppSession *session, XmppNode *element);

static void
on_element(gpointer data, XmppNode *element)
{
  XmppSession *session = data;
  g_autoptr(XmppNode) owned = element;
  xmpp_session_tap_element(session, XMPP_TAP_IN, element);
  if (xmpp_node_is(element, XMPP_NS_STREAM, "error")) {
    handle_stream_error(session, element);
    return;
  }
  if (session->state != XMPP_SESSION_STATE_READY) {
    /* Signing in: each answer starts the next step's deadline (or ends it). */
    handle_negotiation_element(session, g_steal_pointer(&owned));
    xmpp_session_step_begins(session);
    return;
  }
  if (g_strcmp0(element->ns, XMPP_NS_SM) == 0) {
    xmpp_session_sm_handle(session, element);
    return;
  }
  gboolean stanza =
      g_strcmp0(element->ns, XMPP_NS_JABBER_CLIENT) == 0 &&
      (g_strcmp0(element->name, "message") == 0 || g_strcmp0(element->name, "presence") == 0 ||
       g_strcmp0(element->name, "iq") == 0);
  session->stanzas_in++;
  xmpp_router_dispatch(session->router, g_steal_pointer(&owned));
  if (stanza)
    xmpp_session_sm_inbound(session); /* handled (XEP-0198 §4) */
}

static void
handle_negotiation_element(XmppSession *session, XmppNode *element)
{
  g_autoptr(XmppNode) owned = element;
  switch (session->state) {
    case XMPP_SESSION_STATE_WAIT_FEATURES:
      if (!xmpp_node_is(element, XMPP_NS_STREAM, "features")) {
        xmpp_session_refuse(session, XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE, XMPP_SESSION_ERROR,
                            XMPP_SESSION_ERROR_PROTOCOL, "expected stream features");
        return;
      }
      xmpp_session_handle_features(session, element);
      return;
    case XMPP_SESSION_STATE_STARTTLS:
      xmpp_session_handle_starttls_reply(session, element);
      return;
    case XMPP_SESSION_STATE_SASL:
      xmpp_session_handle_sasl(session, element);
      return;
    case XMPP_SESSION_STATE_RESUME:
      xmpp_session_sm_handle_resume_reply(session, element);
      return;
    case XMPP_SESSION_STATE_LEGACY_AUTH:
    case XMPP_SESSION_STATE_BIND:
      session->stanzas_in++;
      xmpp_router_dispatch(session->router, g_steal_pointer(&owned));
      return;
    default:
      xmpp_host_log(&session->host, XMPP_LOG_WARNING, "ignoring <%s/> in state %d",
                    element->name ? element->name : "?", session->state);
      return;
  }
}

static void
on_stream_end(gpointer data)
{
  XmppSession *session = data;
  g_autoptr(GError) error = g_error_new_literal(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NETWORK,
                                                "the server closed the stream");
  xmpp_session_lose_link(session, error);
}

static void
on_stream_failed(gpointer data, const GError *error)
{
  xmpp_session_lose_link(data, error);
}

static void
on_tls_done(gpointer data, XmppTlsVerifyResult verify)
{
  XmppSession *session = data;
  XmppTls *tls = xmpp_stream_get_tls(session->stream);
  g_autoptr(XmppCertInfo) info = xmpp_tls_get_peer_cert_info(tls);
  session->cert_problems = info != NULL ? info->problems : XMPP_CERT_INVALID;
  if (verify == XMPP_TLS_VERIFY_ACCEPT) {
    xmpp_session_tls_established(session);
    return;
  }
  if (info == NULL || session->events.certificate == NULL) {
    xmpp_session_fail_with(session, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE,
                           "the server's certificate is not trusted");
    return;
  }
  session->state = XMPP_SESSION_STATE_CERT_DECISION;
  xmpp_session_step_begins(session); /* the user takes the time they need */
  session->events.certificate(session->events_data, info);
}

/* Only an IQ result to our own request to our own account (the roster) may be larger than a
 * relayed stanza can be; everything else ends the stream past 512 KiB (T9). */
static gboolean
on_allow_large(gpointer data, const XmppNode *start)
{
  XmppSession *session = data;
  return session->state == XMPP_SESSION_STATE_READY &&
         xmpp_router_expects_large_reply(session->router, start);
}

static const XmppStreamCallbacks stream_callbacks = {
    .stream_start = on_stream_start,
    .element = on_element,
    .stream_end = on_stream_end,
    .failed = on_stream_failed,
    .tls_done = on_tls_done,
    .allow_large = on_allow_large,
};

/* ---- TLS ---- */

gboolean
xmpp_session_begin_tls(XmppSession *session)
{
  XmppTlsConfig tls = {
      .server_name = session->domain, /* never an SRV target or connect server (T18) */
      .ca_file = session->config.ca_file,
      .no_system_trust = session->config.no_system_trust,
      .pinned_sha256 = session->config.pinned_cert,
      .accepted_sha256 = session->config.accepted_cert,
      .more_anchors = session->events.trust_anchors,
      .more_anchors_data = session->events_data,
      .priority = session->config.tls_priority,
  };
  g_autoptr(GError) error = NULL;
  session->state = XMPP_SESSION_STATE_TLS_HANDSHAKE;
  xmpp_session_step_begins(session);
  xmpp_session_progress(session, XMPP_SESSION_STEP_ENCRYPTING);
  if (!xmpp_stream_start_tls(session->stream, &tls, &error)) {
    xmpp_session_fail(session, error);
    return FALSE;
  }
  return TRUE;
}

void
xmpp_session_tls_established(XmppSession *session)
{
  XmppTls *tls = xmpp_stream_get_tls(session->stream);
  session->tls_active = TRUE;
  g_free(session->tls_description);
  session->tls_description = g_strdup_printf("TLS 1.%d", xmpp_tls_get_version(tls) == 13 ? 3 : 2);
  /* RFC 6120 §5.4.3.3: forget what was learnt before TLS and start over. */
  g_clear_pointer(&session->features, xmpp_stream_features_free);
  xmpp_session_open_stream(session);
}

void
xmpp_session_certificate_decision(XmppSession *session, gboolean accept)
{
  g_return_if_fail(session != NULL);
  if (session->state != XMPP_SESSION_STATE_CERT_DECISION)
    return;
  xmpp_session_enter(session);
  if (accept) {
    xmpp_stream_trust_tls(session->stream);
    xmpp_session_tls_established(session);
  } else {
    xmpp_session_fail_with(session, XMPP_TLS_ERROR, XMPP_TLS_ERROR_CERTIFICATE,
                           "the server's certificate was rejected");
  }
  xmpp_session_leave(session);
}

/* ---- ready ---- */

static gint64
last_activity(gpointer data)
{
  return ((XmppSession *)data)->last_rx;
}

static void
connection_dead(gpointer data)
{
  XmppSession *session = data;
  g_autoptr(GError) error = g_error_new_literal(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_PING_TIMEOUT,
                                                "the server stopped answering");
  xmpp_session_lose_link(session, error);
}

static void
start_keepalive(XmppSession *session)
{
  g_clear_pointer(&session->ping, xmpp_ping_free);
  session->ping =
      xmpp_ping_new(session->router, &session->host, session->config.ping_interval_s,
                    session->config.ping_timeout_s, last_activity, connection_dead, session);
  xmpp_ping_set_probe(session->ping, xmpp_session_sm_probe);
}

/* Errors after which the session may live on, resumed on a new transport: the link failed or
 * went silent, or the server went away (restarting, reset) without ending our session itself.
 * Not: authentication, policy, conflicts, certificates, bad XML from the server. */
static gboolean
link_error(const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == XMPP_SESSION_ERROR)
    return error->code == XMPP_SESSION_ERROR_NETWORK ||
           error->code == XMPP_SESSION_ERROR_PING_TIMEOUT ||
           error->code == XMPP_SESSION_ERROR_NEGOTIATION_TIMEOUT;
  if (error->domain == XMPP_TLS_ERROR)
    return error->code == XMPP_TLS_ERROR_IO || error->code == XMPP_TLS_ERROR_CLOSED;
  if (error->domain == XMPP_STREAM_ERROR)
    return error->code == XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN ||
           error->code == XMPP_STREAM_ERROR_RESET ||
           error->code == XMPP_STREAM_ERROR_CONNECTION_TIMEOUT ||
           error->code == XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR ||
           error->code == XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED;
  return FALSE;
}

void
xmpp_session_lose_link(XmppSession *session, const GError *error)
{
  if (session->state == XMPP_SESSION_STATE_DETACHED || session->state == XMPP_SESSION_STATE_CLOSED)
    return;
  if (!session->signed_in || !xmpp_session_sm_resumable(session) || !link_error(error) ||
      session->events.interrupted == NULL) {
    xmpp_session_fail(session, error);
    return;
  }
  xmpp_host_log(&session->host, XMPP_LOG_INFO,
                "link lost (%s): the session waits to be resumed, %u stanza(s) unacknowledged",
                error->message, xmpp_sm_n_unacked(session->sm));
  session->state = XMPP_SESSION_STATE_DETACHED;
  session->resuming = FALSE;
  xmpp_session_sm_ack_settled(session); /* the new transport asks anew */
  xmpp_session_step_begins(session);    /* no deadline while no transport is attached */
  g_clear_pointer(&session->ping, xmpp_ping_free);
  /* The transport is gone: nothing more is written to it or read from it. */
  g_clear_pointer(&session->stream, xmpp_stream_free);
  session->events.interrupted(session->events_data, error);
}

void
xmpp_session_flush_held(XmppSession *session)
{
  if (session->held->len == 0)
    return;
  g_autoptr(GPtrArray) held = session->held;
  session->held = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  for (guint i = 0; i < held->len && session->state == XMPP_SESSION_STATE_READY; i++)
    router_send(session, held->pdata[i]);
}

void
xmpp_session_resumed(XmppSession *session)
{
  start_keepalive(session);
  maybe_catch_up(session); /* if it had not started before the link was lost */
  /* XEP-0410: a room may have dropped us while the link was down. */
  xmpp_muc_check_all(session->muc);
  if (session->events.resumed != NULL)
    session->events.resumed(session->events_data);
}

/* Once per sign-in that was not a resume (a resume lost nothing), from the newest archive id
 * we know, else the last days only; and only after our initial presence went out: a server
 * may hold back offline messages from a client that asked its archive first (Prosody does),
 * and an archive need not hold them (a server that archives nothing by default). Offline
 * messages first, then the archive: dedup shows each once. */
static void
maybe_catch_up(XmppSession *session)
{
  if (session->state != XMPP_SESSION_STATE_READY || session->archive_synced ||
      !session->archive_discovered || !session->initial_presence_out)
    return;
  session->archive_synced = TRUE;
  if (session->archive_timer != 0) {
    session->host.timeout_remove(session->host.data, session->archive_timer);
    session->archive_timer = 0;
  }
  const char *after = xmpp_messages_get_last_archive_id(session->messages);
  if (after == NULL)
    after = session->config.archive_after_id;
  gint64 now_s = g_get_real_time() / G_USEC_PER_SEC;
  gint64 start_s = MAX(now_s - XMPP_MAM_FIRST_WINDOW_S, session->config.archive_not_before_s);
  xmpp_mam_catch_up(session->mam, after, start_s,
                    after != NULL ? XMPP_MAM_MAX_MESSAGES : XMPP_MAM_FIRST_MAX_MESSAGES);
}

/* No initial presence (signed in invisible, or a glue that sends none): catch up anyway. */
static gboolean
archive_wait_over(gpointer data)
{
  XmppSession *session = data;
  session->archive_timer = 0;
  session->initial_presence_out = TRUE;
  maybe_catch_up(session);
  return G_SOURCE_REMOVE;
}

/* What our server and account offer is known: turn on what we use of it. */
static void
server_discovered(gpointer data)
{
  XmppSession *session = data;
  if (session->state != XMPP_SESSION_STATE_READY)
    return; /* the answers ended with the session */
  if (xmpp_disco_server_has(session->disco, XMPP_NS_CARBONS))
    xmpp_carbons_enable(session->carbons);
  /* T41: our server strips stanza-ids that claim to be by us only when it offers XEP-0359
   * (on the server, or on our account where the archive lives: Prosody's mod_mam). */
  xmpp_messages_set_stanza_ids_trusted(session->messages,
                                       xmpp_disco_server_has(session->disco, XMPP_NS_SID) ||
                                           xmpp_disco_account_has(session->disco, XMPP_NS_SID));
  /* XEP-0313 §6: the archive is our account's. */
  session->archive_discovered = xmpp_disco_account_has(session->disco, XMPP_NS_MAM);
  if (session->archive_discovered && session->archive_timer == 0 && !session->archive_synced)
    session->archive_timer = session->host.timeout_add(
        session->host.data, XMPP_ARCHIVE_WAIT_PRESENCE_S * 1000, archive_wait_over, session);
  maybe_catch_up(session);
  /* XEP-0402 §4 where the account offers it (our bookmarks then also in XEP-0048's storage,
   * for older clients); XEP-0048 otherwise. */
  xmpp_bookmarks_load(session->bookmarks,
                      xmpp_disco_account_has(session->disco, XMPP_NS_BOOKMARKS_COMPAT));
  xmpp_server_items_discover(session->server_items, xmpp_session_get_domain(session));
  xmpp_csi_set_offered(session->csi, xmpp_session_server_has_csi(session));
}

void
xmpp_session_become_ready(XmppSession *session, XmppJid *bound)
{
  xmpp_jid_free(session->bound);
  session->bound = bound;
  xmpp_router_set_own_jid(session->router, bound);
  session->state = XMPP_SESSION_STATE_READY;
  session->signed_in = TRUE;
  session->resuming = FALSE;
  session->archive_synced = FALSE; /* a new server session: catch up once discovered */
  session->archive_discovered = FALSE;
  session->initial_presence_out = FALSE;
  xmpp_session_step_begins(session); /* signed in: no deadline */
  session->redirects = 0;
  /* XEP-0198 before anything else goes out, so that everything after bind is counted. */
  xmpp_session_sm_enable(session);
  /* RFC 6121 §3.4: pre-approval only where the server advertises it. */
  xmpp_presence_set_pre_approval(session->presence,
                                 session->features != NULL && session->features->pre_approval);
  start_keepalive(session);
  const char *cb = xmpp_channel_binding_name(session->channel_binding);
  xmpp_host_log(&session->host, XMPP_LOG_INFO, "bound as %s (%s, %s%s%s)", xmpp_jid_get_full(bound),
                session->tls_description ? session->tls_description : "no TLS",
                session->sasl_mechanism ? session->sasl_mechanism : "legacy auth", cb ? " " : "",
                cb ? cb : "");
  xmpp_session_progress(session, XMPP_SESSION_STEP_READY);
  /* A new session on the server (the first, or after a failed resume): carbons anew, and
   * the rooms we were in know us no more. */
  xmpp_carbons_reset(session->carbons);
  xmpp_muc_rejoin_all(session->muc);
  xmpp_disco_discover(session->disco);
  if (session->events.ready != NULL)
    session->events.ready(session->events_data, bound);
  /* After a failed resume: the messages the old session never delivered. */
  if (session->state == XMPP_SESSION_STATE_READY)
    xmpp_session_flush_held(session);
}

/* ---- public API ---- */

static char *
dup_nonempty(const char *s)
{
  return (s != NULL && *s != '\0') ? g_strdup(s) : NULL;
}

XmppSession *
xmpp_session_new(const XmppSessionConfig *config, const XmppHost *host,
                 const XmppSessionEvents *events, gpointer events_data, GError **error)
{
  g_return_val_if_fail(config != NULL && host != NULL && events != NULL, NULL);
  g_autoptr(GError) jid_error = NULL;
  g_autoptr(XmppJid) parsed = config->jid ? xmpp_jid_parse(config->jid, &jid_error) : NULL;
  if (parsed == NULL || xmpp_jid_get_local(parsed) == NULL) {
    g_set_error(error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_INVALID_JID,
                "invalid account JID: %s", jid_error ? jid_error->message : "no localpart");
    return NULL;
  }
  if (config->resource != NULL && *config->resource != '\0') {
    g_autoptr(XmppJid) full = xmpp_jid_with_resource(parsed, config->resource, &jid_error);
    if (full == NULL) {
      g_set_error(error, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_INVALID_JID, "invalid resource: %s",
                  jid_error->message);
      return NULL;
    }
  }
  XmppSession *session = g_new0(XmppSession, 1);
  session->host = *host;
  session->events = *events;
  session->events_data = events_data;
  session->config = *config;
  session->config.jid = NULL;
  /* 0: the defaults (set once here, read by the keepalive and the acknowledgement deadline). */
  if (session->config.ping_interval_s == 0)
    session->config.ping_interval_s = XMPP_PING_INTERVAL_S;
  if (session->config.ping_timeout_s == 0)
    session->config.ping_timeout_s = XMPP_PING_TIMEOUT_S;
  session->config.resource = session->resource = dup_nonempty(config->resource);
  session->config.password = session->password = g_strdup(config->password ? config->password : "");
  session->config.lang = session->lang = dup_nonempty(config->lang);
  session->config.ca_file = session->ca_file = dup_nonempty(config->ca_file);
  session->config.pinned_cert = session->pinned_cert = dup_nonempty(config->pinned_cert);
  session->config.accepted_cert = session->accepted_cert = dup_nonempty(config->accepted_cert);
  session->config.tls_priority = session->tls_priority = dup_nonempty(config->tls_priority);
  session->config.scram_cache = dup_nonempty(config->scram_cache); /* owned; freed below */
  session->config.archive_after_id = dup_nonempty(config->archive_after_id); /* owned too */
  session->account = xmpp_jid_dup_bare(parsed);
  session->domain = xmpp_jid_dup_domain_ascii(session->account);
  session->sm = xmpp_sm_new();
  session->held = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  session->router = xmpp_router_new(&session->host, router_send, session);
  xmpp_router_set_own_jid(session->router, session->account);
  xmpp_ping_add_responder(session->router);
  session->roster = xmpp_roster_new(session->router, &session->host);
  session->presence = xmpp_presence_new(session->router, &session->host, session->roster);
  session->messages = xmpp_messages_new(session->router, &session->host);
  session->carbons = xmpp_carbons_new(session->router, &session->host, session->messages);
  session->mam = xmpp_mam_new(session->router, &session->host, session->messages);
  session->disco = xmpp_disco_new(session->router, &session->host);
  xmpp_disco_set_watch(session->disco, server_discovered, session);
  session->caps = xmpp_caps_new(session->router, &session->host, session->disco, session->presence);
  session->delivery = xmpp_delivery_new(session->router, &session->host, session->disco,
                                        session->caps, session->presence, session->messages);
  session->csi = xmpp_csi_new(session->router, &session->host);
  session->entity_info = xmpp_entity_info_new(session->router, &session->host, session->disco);
  session->pep = xmpp_pep_new(session->router, &session->host, session->disco);
  session->vcards = xmpp_vcards_new(session->router, &session->host, session->disco);
  session->avatars = xmpp_avatars_new(session->router, &session->host, session->disco, session->pep,
                                      session->vcards);
  session->registration = xmpp_registration_new(session->router, &session->host);
  session->adhoc = xmpp_adhoc_new(session->router, &session->host, session->disco);
  session->search = xmpp_search_new(session->router, &session->host, session->disco);
  session->blocking = xmpp_blocking_new(session->router, &session->host, session->disco);
  session->extras = xmpp_extras_new(session->router, &session->host, session->disco, session->pep);
  session->server_items = xmpp_server_items_new(session->router, &session->host);
  session->muc = xmpp_muc_new(session->router, &session->host, session->server_items);
  session->http_upload =
      xmpp_http_upload_new(session->router, &session->host, session->server_items);
  session->ibb = xmpp_ibb_new(session->router, &session->host);
  session->bytestreams =
      xmpp_bytestreams_new(session->router, &session->host, session->disco, session->server_items);
  session->si_files = xmpp_si_files_new(session->router, &session->host, session->disco,
                                        session->ibb, session->bytestreams);
  session->jingle_files =
      xmpp_jingle_files_new(session->router, &session->host, session->disco, session->ibb);
  /* XEP-0045 §6.1 and XEP-0249 §3: we join rooms and take direct invitations. */
  xmpp_disco_add_feature(session->disco, XMPP_NS_MUC);
  xmpp_disco_add_feature(session->disco, XMPP_NS_CONFERENCE);
  session->bookmarks = xmpp_bookmarks_new(session->router, &session->host, session->pep);
  session->state = XMPP_SESSION_STATE_IDLE;
  return session;
}

static void
session_destroy(XmppSession *session)
{
  if (session->negotiation_timer != 0)
    session->host.timeout_remove(session->host.data, session->negotiation_timer);
  if (session->archive_timer != 0)
    session->host.timeout_remove(session->host.data, session->archive_timer);
  xmpp_session_sm_ack_settled(session);
  /* Features first: their pending IQs end while they still exist. */
  xmpp_router_fail_pending(session->router);
  xmpp_jingle_files_free(session->jingle_files);
  xmpp_si_files_free(session->si_files);
  xmpp_bytestreams_free(session->bytestreams);
  xmpp_ibb_free(session->ibb);
  xmpp_http_upload_free(session->http_upload);
  xmpp_bookmarks_free(session->bookmarks);
  xmpp_muc_free(session->muc);
  xmpp_server_items_free(session->server_items);
  xmpp_extras_free(session->extras);
  xmpp_blocking_free(session->blocking);
  xmpp_search_free(session->search);
  xmpp_adhoc_free(session->adhoc);
  xmpp_registration_free(session->registration);
  xmpp_avatars_free(session->avatars);
  xmpp_vcards_free(session->vcards);
  xmpp_pep_free(session->pep);
  xmpp_entity_info_free(session->entity_info);
  xmpp_csi_free(session->csi);
  xmpp_delivery_free(session->delivery);
  xmpp_caps_free(session->caps);
  xmpp_disco_free(session->disco);
  xmpp_mam_free(session->mam);
  xmpp_carbons_free(session->carbons);
  xmpp_messages_free(session->messages);
  xmpp_presence_free(session->presence);
  xmpp_roster_free(session->roster);
  xmpp_ping_free(session->ping);
  xmpp_router_free(session->router); /* last: every module above uses it until it is freed */
  xmpp_stream_free(session->stream);
  xmpp_sasl_free(session->sasl);
  xmpp_stream_features_free(session->features);
  xmpp_sm_free(session->sm);
  g_ptr_array_unref(session->held);
  g_queue_clear_full(&session->waiting, (GDestroyNotify)xmpp_node_free);
  xmpp_jid_free(session->account);
  xmpp_jid_free(session->bound);
  if (session->password != NULL)
    memset(session->password, 0, strlen(session->password));
  g_free(session->password);
  g_free(session->resource);
  g_free(session->lang);
  g_free(session->ca_file);
  g_free(session->pinned_cert);
  g_free(session->accepted_cert);
  g_free(session->tls_priority);
  g_free((char *)session->config.scram_cache);
  g_free((char *)session->config.archive_after_id);
  g_free(session->domain);
  g_free(session->stream_id);
  g_free(session->tls_description);
  g_free(session->sasl_mechanism);
  g_free(session->bound_resource);
  g_free(session);
}

void
xmpp_session_free(XmppSession *session)
{
  if (session == NULL)
    return;
  /* Ends pending IQs while the session is still whole. */
  if (session->state != XMPP_SESSION_STATE_CLOSED) {
    session->state = XMPP_SESSION_STATE_CLOSED;
    xmpp_router_fail_pending(session->router);
  }
  if (session->in_use > 0) {
    session->free_pending = TRUE;
    return;
  }
  session_destroy(session);
}

const char *
xmpp_session_get_domain(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->domain;
}

const XmppJid *
xmpp_session_get_account_jid(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->account;
}

const XmppJid *
xmpp_session_get_bound_jid(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->signed_in ? session->bound : NULL;
}

void
xmpp_session_connect_transport(XmppSession *session, XmppTransportKind kind)
{
  g_return_if_fail(session != NULL);
  xmpp_session_enter(session);
  /* A detached session (interrupted) resumes on this transport once authenticated. */
  session->resuming = session->state == XMPP_SESSION_STATE_DETACHED;
  g_clear_pointer(&session->stream, xmpp_stream_free);
  g_clear_pointer(&session->sasl, xmpp_sasl_free);
  g_clear_pointer(&session->features, xmpp_stream_features_free);
  session->tls_active = FALSE;
  session->authenticated = FALSE;
  session->cert_problems = 0;
  session->last_rx = xmpp_host_now(&session->host);
  session->stream = xmpp_stream_new(&session->host, &stream_callbacks, session);
  session->state = XMPP_SESSION_STATE_WAIT_HEADER;
  xmpp_session_progress(session, XMPP_SESSION_STEP_CONNECTING);
  if (kind == XMPP_TRANSPORT_DIRECT_TLS) {
    xmpp_session_begin_tls(session);
  } else if (session->config.tls_policy == XMPP_TLS_POLICY_DIRECT) {
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_ENCRYPTION,
                           "Direct TLS is required but the transport is plain TCP");
  } else {
    xmpp_session_open_stream(session);
  }
  xmpp_session_leave(session);
}

void
xmpp_session_feed(XmppSession *session, const guint8 *data, gsize len)
{
  g_return_if_fail(session != NULL);
  if (session->stream == NULL || session->state == XMPP_SESSION_STATE_CLOSED)
    return;
  xmpp_session_enter(session);
  session->last_rx = xmpp_host_now(&session->host);
  xmpp_stream_feed(session->stream, data, len);
  xmpp_session_sm_answer(session);
  xmpp_session_leave(session);
}

void
xmpp_session_transport_closed(XmppSession *session, const char *reason)
{
  g_return_if_fail(session != NULL);
  xmpp_session_enter(session);
  if (session->state != XMPP_SESSION_STATE_IDLE) {
    g_autoptr(GError) error = g_error_new(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NETWORK, "%s",
                                          reason ? reason : "connection closed");
    xmpp_session_lose_link(session, error);
  }
  xmpp_session_leave(session);
}

void
xmpp_session_close(XmppSession *session)
{
  g_return_if_fail(session != NULL);
  xmpp_session_enter(session);
  xmpp_session_fail(session, NULL);
  xmpp_session_leave(session);
}

guint
xmpp_session_get_cert_problems(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, 0);
  return session->cert_problems;
}

gboolean
xmpp_session_is_ready(const XmppSession *session)
{
  return session != NULL && session->signed_in;
}

void
xmpp_session_network_changed(XmppSession *session)
{
  g_return_if_fail(session != NULL);
  if (session->state != XMPP_SESSION_STATE_READY)
    return;
  xmpp_session_enter(session);
  if (xmpp_session_sm_resumable(session) && session->events.interrupted != NULL) {
    g_autoptr(GError) error =
        g_error_new_literal(XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NETWORK, "the network changed");
    xmpp_session_lose_link(session, error);
  } else if (session->ping != NULL) {
    xmpp_ping_probe_now(session->ping);
  }
  xmpp_session_leave(session);
}

GPtrArray *
xmpp_session_take_undelivered(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  g_autoptr(GPtrArray) unacked = xmpp_sm_take_unacked(session->sm);
  GPtrArray *sources[] = {unacked, session->held};
  for (guint s = 0; s < G_N_ELEMENTS(sources); s++)
    for (guint i = 0; i < sources[s]->len; i++)
      if (is_message_with_body(sources[s]->pdata[i]))
        g_ptr_array_add(out, xmpp_node_copy(sources[s]->pdata[i]));
  g_ptr_array_set_size(session->held, 0);
  for (GList *l = session->waiting.head; l != NULL; l = l->next)
    if (is_message_with_body(l->data))
      g_ptr_array_add(out, xmpp_node_copy(l->data));
  g_queue_clear_full(&session->waiting, (GDestroyNotify)xmpp_node_free);
  return out;
}

gboolean
xmpp_session_is_detached(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, FALSE);
  return session->signed_in && session->state != XMPP_SESSION_STATE_READY;
}

gboolean
xmpp_session_has_stream_management(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, FALSE);
  return xmpp_sm_is_enabled(session->sm);
}

XmppRouter *
xmpp_session_get_router(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->router;
}

void
xmpp_session_send(XmppSession *session, const XmppNode *stanza)
{
  g_return_if_fail(session != NULL && stanza != NULL);
  if (!session->signed_in) {
    xmpp_host_log(&session->host, XMPP_LOG_WARNING, "dropping <%s/>: session not ready",
                  stanza->name ? stanza->name : "?");
    return;
  }
  router_send(session, stanza);
}

void
xmpp_session_send_iq(XmppSession *session, XmppNode *iq, XmppIqCallback cb, gpointer user_data,
                     GDestroyNotify destroy)
{
  g_return_if_fail(session != NULL);
  xmpp_router_send_iq(session->router, session, iq, 0, cb, user_data, destroy);
}

const char *
xmpp_session_get_tls_description(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->tls_description;
}

const char *
xmpp_session_get_sasl_mechanism(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->sasl_mechanism;
}

XmppChannelBinding
xmpp_session_get_channel_binding(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, XMPP_CB_NONE);
  return session->channel_binding;
}

gboolean
xmpp_session_server_has_roster_versioning(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, FALSE);
  return session->features != NULL && session->features->roster_ver;
}

gboolean
xmpp_session_server_has_csi(const XmppSession *session)
{
  g_return_val_if_fail(session != NULL, FALSE);
  return session->features != NULL && session->features->csi;
}

XmppRoster *
xmpp_session_get_roster(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->roster;
}

XmppPresence *
xmpp_session_get_presence(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->presence;
}

XmppMessages *
xmpp_session_get_messages(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->messages;
}

XmppMam *
xmpp_session_get_mam(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->mam;
}

XmppCarbons *
xmpp_session_get_carbons(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->carbons;
}

XmppDisco *
xmpp_session_get_disco(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->disco;
}

XmppCaps *
xmpp_session_get_caps(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->caps;
}

XmppDelivery *
xmpp_session_get_delivery(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->delivery;
}

XmppCsi *
xmpp_session_get_csi(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->csi;
}

XmppEntityInfo *
xmpp_session_get_entity_info(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->entity_info;
}

XmppPep *
xmpp_session_get_pep(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->pep;
}

XmppVcards *
xmpp_session_get_vcards(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->vcards;
}

XmppAvatars *
xmpp_session_get_avatars(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->avatars;
}

XmppRegistration *
xmpp_session_get_registration(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->registration;
}

XmppAdhoc *
xmpp_session_get_adhoc(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->adhoc;
}

XmppSearch *
xmpp_session_get_search(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->search;
}

XmppBlocking *
xmpp_session_get_blocking(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->blocking;
}

XmppExtras *
xmpp_session_get_extras(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->extras;
}

XmppMuc *
xmpp_session_get_muc(XmppSession *session)
{
  g_return_val_if_fail(session != NULL, NULL);
  return session->muc;
}

XmppBookmarks *
xmpp_session_get_bookmarks(XmppSession *session)
{
  return session->bookmarks;
}

XmppHttpUpload *
xmpp_session_get_http_upload(XmppSession *session)
{
  return session->http_upload;
}

XmppIbb *
xmpp_session_get_ibb(XmppSession *session)
{
  return session->ibb;
}

XmppBytestreams *
xmpp_session_get_bytestreams(XmppSession *session)
{
  return session->bytestreams;
}

XmppSiFiles *
xmpp_session_get_si_files(XmppSession *session)
{
  return session->si_files;
}

XmppJingleFiles *
xmpp_session_get_jingle_files(XmppSession *session)
{
  return session->jingle_files;
}
