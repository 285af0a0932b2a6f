/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ScriptServer: scripted server end for session transcript tests. */
#include "script-server.h"

#include "router/namespaces.h"
#include "im/namespaces.h"

static void
on_client_header(gpointer data, const XmppNode *header)
{
  ScriptServer *script = data;
  script->headers++;
}

static void
on_client_element(gpointer data, XmppNode *element)
{
  ScriptServer *script = data;
  g_queue_push_tail(&script->elements, element);
}

static void
on_client_end(gpointer data)
{
}

static const XmppParserCallbacks server_parser = {
    .stream_start = on_client_header,
    .stanza = on_client_element,
    .stream_end = on_client_end,
};

static void
ev_progress(gpointer data, XmppSessionStep step)
{
  g_string_append_printf(((ScriptServer *)data)->events, "progress:%d ", step);
}

static void
ev_ready(gpointer data, const XmppJid *jid)
{
  g_string_append_printf(((ScriptServer *)data)->events, "ready:%s ", xmpp_jid_get_full(jid));
}

static void
ev_closed(gpointer data, const GError *error)
{
  ScriptServer *script = data;
  g_assert_false(script->closed); /* exactly once */
  script->closed = TRUE;
  script->closed_error = error ? g_error_copy(error) : NULL;
  g_string_append_printf(script->events, "closed:%s:%d ",
                         error ? g_quark_to_string(error->domain) : "none",
                         error ? error->code : 0);
}

static void
ev_certificate(gpointer data, const XmppCertInfo *info)
{
  ScriptServer *script = data;
  g_string_append_printf(script->events, "cert:%u ", info->problems);
  if (script->cert_answer >= 0)
    xmpp_session_certificate_decision(script->session, script->cert_answer == 1);
}

static void
ev_redirect(gpointer data, const char *host, guint port)
{
  ScriptServer *script = data;
  g_free(script->redirect_host);
  script->redirect_host = g_strdup(host);
  g_string_append_printf(script->events, "redirect:%s:%u ", host, port);
}

static void
ev_interrupted(gpointer data, const GError *error)
{
  g_string_append_printf(((ScriptServer *)data)->events, "interrupted:%s:%d ",
                         g_quark_to_string(error->domain), error->code);
}

static void
ev_resumed(gpointer data)
{
  g_string_append(((ScriptServer *)data)->events, "resumed ");
}

static void
ev_not_sent(gpointer data, const XmppNode *message)
{
  g_autofree char *body = xmpp_node_dup_child_text(message, XMPP_NS_JABBER_CLIENT, "body");
  g_string_append_printf(((ScriptServer *)data)->events, "not-sent:%s ", body);
}

static const XmppSessionEvents events = {
    .progress = ev_progress,
    .not_sent = ev_not_sent,
    .ready = ev_ready,
    .interrupted = ev_interrupted,
    .resumed = ev_resumed,
    .closed = ev_closed,
    .certificate = ev_certificate,
    .redirect = ev_redirect,
};

ScriptServer *
script_new(const XmppSessionConfig *config)
{
  ScriptServer *script = g_new0(ScriptServer, 1);
  script->fake = fake_host_new();
  script->events = g_string_new(NULL);
  script->seen = g_string_new(NULL);
  script->cert_answer = -1;
  g_queue_init(&script->elements);
  script->parser = xmpp_parser_new(&server_parser, script, NULL);
  g_autoptr(GError) error = NULL;
  script->session = xmpp_session_new(config, &script->fake->host, &events, script, &error);
  g_assert_no_error(error);
  return script;
}

void
script_free(ScriptServer *script)
{
  xmpp_session_free(script->session);
  xmpp_parser_free(script->parser);
  g_queue_clear_full(&script->elements, (GDestroyNotify)xmpp_node_free);
  test_tls_peer_free(script->tls);
  fake_host_free(script->fake);
  g_string_free(script->events, TRUE);
  g_string_free(script->seen, TRUE);
  g_clear_error(&script->closed_error);
  g_free(script->redirect_host);
  g_free(script);
}

/* Feeds the server-side parser; a client stream header restarts the server's document. */
static void
server_parse(ScriptServer *script, const char *bytes, gsize len)
{
  g_string_append_len(script->seen, bytes, len);
  const char *header = g_strstr_len(bytes, len, "<?xml");
  if (header != NULL) {
    if (header > bytes)
      xmpp_parser_feed(script->parser, bytes, header - bytes, NULL);
    xmpp_parser_reset(script->parser);
    len -= header - bytes;
    bytes = header;
  }
  g_autoptr(GError) error = NULL;
  if (!xmpp_parser_feed(script->parser, bytes, len, &error))
    g_error("the client sent bad XML: %s", error->message);
}

void
script_pump(ScriptServer *script)
{
  for (guint round = 0; round < 100; round++) {
    gboolean moved = FALSE;
    if (script->fake->output->len > 0) {
      moved = TRUE;
      g_autoptr(GBytes) out = g_byte_array_free_to_bytes(script->fake->output);
      script->fake->output = g_byte_array_new();
      gsize len;
      const guint8 *data = g_bytes_get_data(out, &len);
      if (script->tls != NULL) {
        test_tls_peer_feed(script->tls, data, len, NULL);
        g_autoptr(GBytes) plain = test_tls_peer_take_plaintext(script->tls);
        if (g_bytes_get_size(plain) > 0) {
          gsize plen;
          const char *p = g_bytes_get_data(plain, &plen);
          server_parse(script, p, plen);
        }
      } else {
        server_parse(script, (const char *)data, len);
      }
    }
    if (script->tls != NULL) {
      g_autoptr(GBytes) cipher = test_tls_peer_take_output(script->tls);
      if (g_bytes_get_size(cipher) > 0) {
        moved = TRUE;
        gsize len;
        const guint8 *data = g_bytes_get_data(cipher, &len);
        xmpp_session_feed(script->session, data, len);
      }
    }
    if (!moved)
      return;
  }
  g_error("script_pump: still moving after 100 rounds");
}

void
script_send(ScriptServer *script, const char *xml)
{
  if (script->tls != NULL && test_tls_peer_is_established(script->tls)) {
    g_assert_true(test_tls_peer_write(script->tls, (const guint8 *)xml, strlen(xml), NULL));
  } else {
    xmpp_session_feed(script->session, (const guint8 *)xml, strlen(xml));
  }
  script_pump(script);
}

XmppNode *
script_expect(ScriptServer *script, const char *ns, const char *name)
{
  script_pump(script);
  XmppNode *node = g_queue_pop_head(&script->elements);
  if (node == NULL)
    g_error("expected <%s xmlns='%s'/> from the client, got nothing (events: %s)", name, ns,
            script->events->str);
  if (!xmpp_node_is(node, ns, name))
    g_error("expected <%s xmlns='%s'/> from the client, got <%s xmlns='%s'/>", name, ns, node->name,
            node->ns);
  return node;
}

void
script_expect_nothing(ScriptServer *script)
{
  script_pump(script);
  XmppNode *node = g_queue_peek_head(&script->elements);
  if (node != NULL)
    g_error("expected nothing from the client, got <%s/>", node->name);
}

void
script_expect_header(ScriptServer *script)
{
  script_pump(script);
  g_assert_cmpuint(script->headers, >, script->headers_checked);
  script->headers_checked++;
}

void
script_start_tls(ScriptServer *script, const char *cert_file, const char *key_file,
                 const char *priority)
{
  g_autoptr(GError) error = NULL;
  script->tls = test_tls_peer_new(cert_file, key_file, priority, &error);
  g_assert_no_error(error);
  script_pump(script);
}

void
script_answer_discovery_only(ScriptServer *script, const char *server_features,
                             const char *account_features)
{
  for (guint i = 0; i < 2; i++) {
    g_autoptr(XmppNode) iq = script_expect(script, XMPP_NS_JABBER_CLIENT, "iq");
    g_assert_nonnull(xmpp_node_get_child(iq, XMPP_NS_DISCO_INFO, "query"));
    const char *to = xmpp_node_get_attr(iq, "to");
    gboolean server = g_strcmp0(to, SCRIPT_DOMAIN) == 0;
    const char *features = server ? server_features : account_features;
    g_autofree char *reply = g_strdup_printf(
        "<iq type='result' id='%s' from='%s'><query xmlns='%s'>%s</query></iq>",
        xmpp_node_get_attr(iq, "id"), to, XMPP_NS_DISCO_INFO, features != NULL ? features : "");
    script_send(script, reply);
  }
}

void
script_answer_discovery_full(ScriptServer *script, const char *server_features,
                             const char *account_features)
{
  script_answer_discovery_only(script, server_features, account_features);
  script_answer_sign_in_reads(script);
}

/* Finds and answers one element the client sent, wherever it is among them: the one pred
 * matches, answered with reply_payload. FALSE when there is none. */
static gboolean
answer_sent(ScriptServer *script, gboolean (*pred)(XmppNode *iq), const char *reply_payload)
{
  script_pump(script);
  for (GList *l = script->elements.head; l != NULL; l = l->next) {
    XmppNode *iq = l->data;
    if (!xmpp_node_is(iq, XMPP_NS_JABBER_CLIENT, "iq") || !pred(iq))
      continue;
    g_autofree char *reply =
        g_strdup_printf("<iq type='result' id='%s'%s%s%s>%s</iq>", xmpp_node_get_attr(iq, "id"),
                        xmpp_node_get_attr(iq, "to") != NULL ? " from='" : "",
                        xmpp_node_get_attr(iq, "to") != NULL ? xmpp_node_get_attr(iq, "to") : "",
                        xmpp_node_get_attr(iq, "to") != NULL ? "'" : "", reply_payload);
    g_queue_delete_link(&script->elements, l);
    xmpp_node_free(iq);
    script_send(script, reply);
    return TRUE;
  }
  return FALSE;
}

static gboolean
is_private_bookmarks(XmppNode *iq)
{
  return xmpp_node_get_child(iq, "jabber:iq:private", "query") != NULL;
}

static gboolean
is_pep_bookmarks(XmppNode *iq)
{
  XmppNode *pubsub = xmpp_node_get_child(iq, "http://jabber.org/protocol/pubsub", "pubsub");
  XmppNode *items = xmpp_node_get_child(pubsub, "http://jabber.org/protocol/pubsub", "items");
  return g_strcmp0(xmpp_node_get_attr(items, "node"), "urn:xmpp:bookmarks:1") == 0;
}

static gboolean
is_server_items(XmppNode *iq)
{
  return xmpp_node_get_child(iq, "http://jabber.org/protocol/disco#items", "query") != NULL;
}

void
script_answer_sign_in_reads(ScriptServer *script)
{
  if (!answer_sent(script, is_private_bookmarks,
                   "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/>"
                   "</query>") &&
      !answer_sent(script, is_pep_bookmarks, ""))
    g_error("the client did not read its bookmarks after discovery");
  if (!answer_sent(script, is_server_items,
                   "<query xmlns='http://jabber.org/protocol/disco#items'/>"))
    g_error("the client did not look for the server's room service after discovery");
}

void
script_answer_discovery(ScriptServer *script, const char *server_features)
{
  script_answer_discovery_full(script, server_features, NULL);
}

void
script_login_plain(ScriptServer *script)
{
  script_login_plain_offering(script, NULL);
}

void
script_login_plain_offering(ScriptServer *script, const char *server_features)
{
  script_login_plain_discovering(script, server_features, NULL);
}

void
script_login_plain_discovering(ScriptServer *script, const char *server_features,
                               const char *account_features)
{
  xmpp_session_connect_transport(script->session, XMPP_TRANSPORT_TCP);
  script_expect_header(script);
  script_send(script, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(script, XMPP_NS_SASL, "auth");
  g_assert_cmpstr(xmpp_node_get_attr(auth, "mechanism"), ==, "PLAIN");
  script_send(script, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(script);
  script_send(script,
              SCRIPT_STREAM_HEADER "<stream:features><bind "
                                   "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(script, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/balcony</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(script, reply);
  g_assert_true(xmpp_session_is_ready(script->session));
  script_answer_discovery_full(script, server_features, account_features);
}

gboolean
script_output_contains(ScriptServer *script, const char *needle)
{
  script_pump(script);
  return strstr(script->seen->str, needle) != NULL;
}
