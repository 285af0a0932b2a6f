/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream negotiation after the headers: STARTTLS (RFC 6120 §5), SASL (§6), resource binding
 * (§7), session establishment (RFC 3921 §3, where still required) and legacy XEP-0078 auth. */
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "session-private.h"

#define XMPP_SASL_MAX_PAYLOAD (64 * 1024) /* base64 bytes of one challenge (T30) */

/* ---- features ---- */

static void start_sasl(XmppSession *session);

void
xmpp_session_handle_features(XmppSession *session, const XmppNode *node)
{
  g_clear_pointer(&session->features, xmpp_stream_features_free);
  session->features = xmpp_stream_features_parse(node);
  XmppStreamFeatures *features = session->features;

  if (!session->tls_active) {
    if (features->starttls) {
      session->state = XMPP_SESSION_STATE_STARTTLS;
      g_autoptr(XmppNode) starttls = xmpp_node_new(XMPP_NS_TLS, "starttls");
      xmpp_session_send_element(session, starttls);
      return;
    }
    if (session->config.tls_policy != XMPP_TLS_POLICY_OPPORTUNISTIC) {
      /* T13: no <starttls/> offered (maybe stripped by an attacker): stop before any
       * credential leaves, whatever else the server offers. */
      xmpp_session_refuse(session, XMPP_STREAM_ERROR_POLICY_VIOLATION, XMPP_SESSION_ERROR,
                          XMPP_SESSION_ERROR_ENCRYPTION,
                          "the server does not offer encryption (STARTTLS)");
      return;
    }
    xmpp_host_log(&session->host, XMPP_LOG_WARNING,
                  "the server offers no TLS; going on unencrypted as the account allows");
  }
  if (session->config.register_only) {
    /* XEP-0077 §3.1: no SASL; stanzas go through the router (as in the pre-bind legacy auth
     * state) while the glue registers. */
    session->state = XMPP_SESSION_STATE_LEGACY_AUTH;
    if (session->events.registration_ready != NULL)
      session->events.registration_ready(session->events_data);
    return;
  }
  if (!session->authenticated) {
    if (features->mechanisms[0] != NULL) {
      start_sasl(session);
    } else if (features->legacy_auth) {
      xmpp_session_start_legacy(session);
    } else {
      xmpp_session_refuse(session, XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE, XMPP_SESSION_ERROR,
                          XMPP_SESSION_ERROR_NO_AUTH, "the server offers no authentication method");
    }
    return;
  }
  if (session->resuming) {
    /* XEP-0198 §5: after authentication, instead of binding. */
    xmpp_session_sm_resume(session);
    return;
  }
  if (!features->bind) {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE, XMPP_SESSION_ERROR,
                        XMPP_SESSION_ERROR_BIND, "the server offers no resource binding");
    return;
  }
  xmpp_session_start_bind(session);
}

void
xmpp_session_handle_starttls_reply(XmppSession *session, const XmppNode *element)
{
  if (xmpp_node_is(element, XMPP_NS_TLS, "proceed")) {
    xmpp_session_begin_tls(session);
    return;
  }
  /* T14: <failure/> or anything else: never fall back to plaintext. */
  xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_ENCRYPTION,
                         "the server refused to start TLS");
}

/* ---- SASL ---- */

static GBytes *
channel_binding(gpointer data, XmppChannelBinding type)
{
  XmppSession *session = data;
  XmppTls *tls = session->stream ? xmpp_stream_get_tls(session->stream) : NULL;
  return tls != NULL ? xmpp_tls_get_channel_binding(tls, type) : NULL;
}

static gboolean
random_bytes(gpointer data, guint8 *buf, gsize len)
{
  return xmpp_host_random(&((XmppSession *)data)->host, buf, len);
}

static void
sasl_warning(gpointer data, const char *message)
{
  xmpp_host_log(&((XmppSession *)data)->host, XMPP_LOG_WARNING, "%s", message);
}

static void
send_sasl_element(XmppSession *session, const char *name, GBytes *payload, const char *mechanism)
{
  g_autoptr(XmppNode) element = xmpp_node_new(XMPP_NS_SASL, name);
  if (mechanism != NULL)
    xmpp_node_set_attr(element, "mechanism", mechanism);
  if (payload != NULL) {
    g_autofree char *text = xmpp_sasl_base64_encode(payload);
    xmpp_node_add_text(element, text, -1);
  }
  xmpp_session_send_element(session, element);
}

static void
sasl_abort(XmppSession *session, const GError *error)
{
  send_sasl_element(session, "abort", NULL, NULL);
  xmpp_session_fail(session, error);
}

static void
start_sasl(XmppSession *session)
{
  XmppTls *tls = xmpp_stream_get_tls(session->stream);
  XmppSaslConfig config = {
      .authcid = xmpp_jid_get_local(session->account),
      .password = session->password,
      .tls_active = session->tls_active,
      .allow_plain_in_clear = session->config.allow_plain_in_clear,
      .cb_available = (session->tls_active && tls) ? xmpp_tls_get_channel_bindings(tls) : 0,
      .get_channel_binding = channel_binding,
      .cb_user_data = session,
      .cb_server_advertised = session->features->cb_types,
      .random = random_bytes,
      .random_user_data = session,
      .log_warning = sasl_warning,
      .log_user_data = session,
      .scram_cache = session->config.scram_cache,
      .require_channel_binding = session->config.require_channel_binding,
  };
  g_autoptr(GError) error = NULL;
  g_clear_pointer(&session->sasl, xmpp_sasl_free);
  session->channel_binding = XMPP_CB_NONE;
  session->sasl =
      xmpp_sasl_new(&config, (const char *const *)session->features->mechanisms, &error);
  if (session->sasl == NULL) {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_POLICY_VIOLATION, error->domain, error->code,
                        error->message);
    return;
  }
  g_free(session->sasl_mechanism);
  session->sasl_mechanism = g_strdup(xmpp_sasl_get_mechanism(session->sasl));
  g_autoptr(GBytes) initial = xmpp_sasl_start(session->sasl, &error);
  if (initial == NULL) {
    xmpp_session_fail(session, error);
    return;
  }
  session->state = XMPP_SESSION_STATE_SASL;
  xmpp_session_progress(session, XMPP_SESSION_STEP_AUTHENTICATING);
  send_sasl_element(session, "auth", initial, session->sasl_mechanism);
}

static GBytes *
decode_payload(const XmppNode *element, GError **error)
{
  g_autofree char *text = xmpp_node_dup_text(element);
  return xmpp_sasl_base64_decode(text, XMPP_SASL_MAX_PAYLOAD, error);
}

static void
sasl_failure(XmppSession *session, const XmppNode *element)
{
  XmppNode *condition = xmpp_node_first_element(element);
  while (condition != NULL && g_strcmp0(condition->name, "text") == 0)
    condition = xmpp_node_next_child(element, condition, NULL, NULL);
  const char *name = condition != NULL ? condition->name : "not-authorized";
  g_autofree char *text = xmpp_node_dup_child_text(element, XMPP_NS_SASL, "text");
  if (text != NULL && strlen(text) > XMPP_STREAM_ERROR_MAX_TEXT)
    text[XMPP_STREAM_ERROR_MAX_TEXT] = '\0';
  if (text != NULL && !g_utf8_validate(text, -1, NULL))
    g_clear_pointer(&text, g_free);
  /* The condition name goes into the message for the log; T33 caps the server's text. */
  xmpp_session_fail_with(session, XMPP_SASL_ERROR,
                         xmpp_sasl_failure_code(session->sasl, name, text), "%s%s%s", name,
                         text ? ": " : "", text ? text : "");
}

void
xmpp_session_handle_sasl(XmppSession *session, const XmppNode *element)
{
  g_autoptr(GError) error = NULL;
  if (xmpp_node_is(element, XMPP_NS_SASL, "challenge")) {
    g_autoptr(GBytes) challenge = decode_payload(element, &error);
    g_autoptr(GBytes) response = NULL;
    if (challenge != NULL) {
      gsize len;
      const guint8 *data = g_bytes_get_data(challenge, &len);
      response = xmpp_sasl_step(session->sasl, data, len, &error);
    }
    if (response == NULL) {
      sasl_abort(session, error);
      return;
    }
    send_sasl_element(session, "response", response, NULL);
  } else if (xmpp_node_is(element, XMPP_NS_SASL, "success")) {
    g_autoptr(GBytes) data = decode_payload(element, &error);
    gsize len = 0;
    const guint8 *bytes = data ? g_bytes_get_data(data, &len) : NULL;
    /* T27: <success/> proves nothing by itself; the mechanism must verify the server. */
    if (data == NULL || !xmpp_sasl_finish(session->sasl, bytes, len, &error)) {
      xmpp_session_fail(session, error);
      return;
    }
    session->authenticated = TRUE;
    session->channel_binding = xmpp_sasl_get_channel_binding(session->sasl);
    /* RFC 5802 §5.1: keep the proven keys for the next transport and offer them to the glue. */
    if (xmpp_sasl_used_scram_cache(session->sasl))
      xmpp_host_log(&session->host, XMPP_LOG_INFO, "SCRAM keys from the cache (no PBKDF2)");
    char *record = xmpp_sasl_dup_scram_cache(session->sasl);
    if (record != NULL) {
      g_free((char *)session->config.scram_cache);
      session->config.scram_cache = record;
      if (session->events.scram_cache != NULL)
        session->events.scram_cache(session->events_data, record);
    }
    g_clear_pointer(&session->sasl, xmpp_sasl_free);
    /* RFC 6120 §6.4.6: restart the stream; features learnt before are void. */
    g_clear_pointer(&session->features, xmpp_stream_features_free);
    xmpp_session_open_stream(session);
  } else if (xmpp_node_is(element, XMPP_NS_SASL, "failure")) {
    sasl_failure(session, element);
  } else {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE, XMPP_SESSION_ERROR,
                        XMPP_SESSION_ERROR_PROTOCOL, "unexpected element during authentication");
  }
}

/* ---- binding ---- */

static void
session_established(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppSession *session = data;
  if (session->state != XMPP_SESSION_STATE_BIND)
    return;
  if (error != NULL) {
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_BIND,
                           "session establishment failed: %s", error->message);
    return;
  }
  xmpp_session_become_ready(session, g_steal_pointer(&session->bound));
}

static void
bound(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppSession *session = data;
  if (session->state != XMPP_SESSION_STATE_BIND)
    return;
  if (error != NULL) {
    gboolean conflict =
        error->domain == XMPP_STANZA_ERROR && error->code == XMPP_STANZA_ERROR_CONFLICT;
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR,
                           conflict ? XMPP_SESSION_ERROR_CONFLICT : XMPP_SESSION_ERROR_BIND,
                           "resource binding failed: %s", error->message);
    return;
  }
  XmppNode *bind = xmpp_node_get_child(reply->node, XMPP_NS_BIND, "bind");
  g_autofree char *text = bind ? xmpp_node_dup_child_text(bind, XMPP_NS_BIND, "jid") : NULL;
  g_autoptr(XmppJid) jid = text ? xmpp_jid_parse(g_strstrip(text), NULL) : NULL;
  if (jid == NULL || xmpp_jid_get_resource(jid) == NULL) {
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_BIND,
                           "the server bound no valid JID");
    return;
  }
  if (!xmpp_jid_equal(jid, session->account, XMPP_JID_MATCH_BARE))
    xmpp_host_log(&session->host, XMPP_LOG_WARNING, "the server bound us to %s",
                  xmpp_jid_get_full(jid));
  if (session->features->session && !session->features->session_optional) {
    xmpp_jid_free(session->bound);
    session->bound = g_steal_pointer(&jid);
    XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
    xmpp_node_new_child(iq, XMPP_NS_SESSION, "session");
    xmpp_router_send_iq(session->router, session, iq, 0, session_established, session, NULL);
    return;
  }
  xmpp_session_become_ready(session, g_steal_pointer(&jid));
}

void
xmpp_session_start_bind(XmppSession *session)
{
  session->state = XMPP_SESSION_STATE_BIND;
  xmpp_session_progress(session, XMPP_SESSION_STEP_BINDING);
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *bind = xmpp_node_new_child(iq, XMPP_NS_BIND, "bind");
  if (session->resource != NULL)
    xmpp_node_new_text_child(bind, XMPP_NS_BIND, "resource", session->resource);
  xmpp_router_send_iq(session->router, session, iq, 0, bound, session, NULL);
}

/* ---- legacy authentication (XEP-0078), for servers without SASL ---- */

static void
legacy_done(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppSession *session = data;
  if (session->state != XMPP_SESSION_STATE_LEGACY_AUTH)
    return;
  if (error != NULL) {
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_AUTH,
                           "legacy authentication failed: %s", error->message);
    return;
  }
  session->authenticated = TRUE;
  g_autoptr(GError) jid_error = NULL;
  XmppJid *full = xmpp_jid_with_resource(session->account, session->bound_resource, &jid_error);
  if (full == NULL) {
    xmpp_session_fail(session, jid_error);
    return;
  }
  xmpp_session_become_ready(session, full);
}

static void
legacy_fields(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppSession *session = data;
  if (session->state != XMPP_SESSION_STATE_LEGACY_AUTH)
    return;
  if (error != NULL) {
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NO_AUTH,
                           "legacy authentication unavailable: %s", error->message);
    return;
  }
  XmppNode *query = xmpp_node_get_child(reply->node, XMPP_NS_IQ_AUTH, "query");
  gboolean digest = query && xmpp_node_get_child(query, XMPP_NS_IQ_AUTH, "digest") != NULL &&
                    session->stream_id != NULL;
  gboolean password = query && xmpp_node_get_child(query, XMPP_NS_IQ_AUTH, "password") != NULL;
  /* Digest is preferred; a plaintext password only inside TLS or by explicit opt-in. */
  if (!digest && !(password && (session->tls_active || session->config.allow_plain_in_clear))) {
    xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_NO_AUTH,
                           "the server offers no safe legacy authentication");
    return;
  }
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *set = xmpp_node_new_child(iq, XMPP_NS_IQ_AUTH, "query");
  xmpp_node_new_text_child(set, XMPP_NS_IQ_AUTH, "username", xmpp_jid_get_local(session->account));
  if (digest) {
    g_autofree char *hash = xmpp_sasl_legacy_digest(session->stream_id, session->password);
    xmpp_node_new_text_child(set, XMPP_NS_IQ_AUTH, "digest", hash);
  } else {
    xmpp_node_new_text_child(set, XMPP_NS_IQ_AUTH, "password", session->password);
  }
  xmpp_node_new_text_child(set, XMPP_NS_IQ_AUTH, "resource", session->bound_resource);
  xmpp_router_send_iq(session->router, session, iq, 0, legacy_done, session, NULL);
}

void
xmpp_session_start_legacy(XmppSession *session)
{
  if (!session->tls_active && session->config.tls_policy != XMPP_TLS_POLICY_OPPORTUNISTIC) {
    xmpp_session_refuse(session, XMPP_STREAM_ERROR_POLICY_VIOLATION, XMPP_SESSION_ERROR,
                        XMPP_SESSION_ERROR_ENCRYPTION,
                        "the server does not offer encryption (STARTTLS)");
    return;
  }
  session->state = XMPP_SESSION_STATE_LEGACY_AUTH;
  xmpp_session_progress(session, XMPP_SESSION_STEP_AUTHENTICATING);
  g_free(session->sasl_mechanism);
  session->sasl_mechanism = g_strdup("XEP-0078");
  g_free(session->bound_resource);
  /* XEP-0078 needs a resource; the server cannot pick one for us. */
  if (session->resource != NULL) {
    session->bound_resource = g_strdup(session->resource);
  } else {
    g_autofree char *id = xmpp_host_random_id(&session->host);
    if (id == NULL) {
      xmpp_session_fail_with(session, XMPP_SESSION_ERROR, XMPP_SESSION_ERROR_RANDOM,
                             "no random data for a resource name");
      return;
    }
    session->bound_resource = g_strdup_printf("lyre-%.8s", id);
  }
  XmppNode *iq = xmpp_stanza_new_iq("get", session->domain, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_IQ_AUTH, "query");
  xmpp_node_new_text_child(query, XMPP_NS_IQ_AUTH, "username",
                           xmpp_jid_get_local(session->account));
  xmpp_router_send_iq(session->router, session, iq, 0, legacy_fields, session, NULL);
}
