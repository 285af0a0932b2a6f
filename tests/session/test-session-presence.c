/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of presence and subscriptions (RFC 6121 §3, §4) through a real session:
 * the subscription handshake, two resources of one contact, unavailable, presence errors,
 * invisibility and the §11 rule that presence goes to the server only. */
#include "im/subscription.h"
#include "router/namespaces.h"
#include "script-server.h"

typedef struct {
  GString *log; /* "changed:BARE:N request:BARE:MSG sub:TYPE:BARE " */
} Events;

static void
on_changed(gpointer data, const XmppPresenceContact *c)
{
  Events *e = data;
  g_string_append_printf(e->log, "changed:%s:%u ", c->bare, c->resources->len);
}

static void
on_request(gpointer data, const char *bare, const char *message)
{
  Events *e = data;
  g_string_append_printf(e->log, "request:%s:%s ", bare, message ? message : "");
}

static void
on_sub(gpointer data, const char *bare, XmppPresenceType type)
{
  Events *e = data;
  g_string_append_printf(e->log, "sub:%s:%s ", xmpp_presence_type_name(type), bare);
}

static ScriptServer *
ready_session(Events *e)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  ScriptServer *s = script_new(&config);
  e->log = g_string_new(NULL);
  static const XmppPresenceEvents events = {.contact_changed = on_changed,
                                            .subscription_request = on_request,
                                            .subscription_changed = on_sub};
  xmpp_presence_set_events(xmpp_session_get_presence(s->session), &events, e);
  script_login_plain(s);
  return s;
}

static void
done(ScriptServer *s, Events *e)
{
  script_free(s);
  g_string_free(e->log, TRUE);
}

static void
expect_presence(ScriptServer *s, const char *to, const char *type)
{
  g_autoptr(XmppNode) p = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  g_assert_cmpstr(xmpp_node_get_attr(p, "to"), ==, to);
  g_assert_cmpstr(xmpp_node_get_attr(p, "type"), ==, type);
}

/* Romeo asks, Juliet accepts and asks back, Romeo accepts. */
static void
test_subscribe_handshake(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  XmppPresence *presence = xmpp_session_get_presence(s->session);
  script_send(s, "<presence from='romeo@example.test' to='juliet@example.test' type='subscribe'>"
                 "<status>Wherefore art thou?</status></presence>");
  g_assert_cmpstr(e.log->str, ==, "request:romeo@example.test:Wherefore art thou? ");
  script_expect_nothing(s);
  xmpp_subscription_answer(presence, "romeo@example.test", TRUE);
  expect_presence(s, "romeo@example.test", "subscribed");
  expect_presence(s, "romeo@example.test", "subscribe");
  script_send(s, "<presence from='romeo@example.test' to='juliet@example.test' "
                 "type='subscribed'/>");
  script_send(s, "<presence from='romeo@example.test/orchard'><priority>1</priority></presence>");
  g_assert_nonnull(strstr(e.log->str, "sub:subscribed:romeo@example.test "));
  g_assert_nonnull(strstr(e.log->str, "changed:romeo@example.test:1 "));
  script_expect_nothing(s);
  done(s, &e);
}

/* Juliet adds Romeo (the roster sends the subscribe); Romeo denies. */
static void
test_subscribe_denied(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  XmppPresence *presence = xmpp_session_get_presence(s->session);
  g_assert_true(xmpp_subscription_request(presence, "romeo@example.test", NULL));
  expect_presence(s, "romeo@example.test", "subscribe");
  script_send(s, "<presence from='romeo@example.test' type='unsubscribed'/>");
  g_assert_cmpstr(e.log->str, ==, "sub:unsubscribed:romeo@example.test ");
  /* And a request Juliet denies: unsubscribed. */
  script_send(s, "<presence from='tybalt@example.test' type='subscribe'/>");
  xmpp_subscription_answer(presence, "tybalt@example.test", FALSE);
  expect_presence(s, "tybalt@example.test", "unsubscribed");
  script_expect_nothing(s);
  done(s, &e);
}

static void
test_two_resources(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  XmppPresence *presence = xmpp_session_get_presence(s->session);
  script_send(s, "<presence from='romeo@example.test/phone'><show>away</show>"
                 "<status>on the road</status><priority>-1</priority></presence>");
  script_send(s, "<presence from='romeo@example.test/desk'><show>dnd</show>"
                 "<status>working</status><priority>10</priority></presence>");
  const XmppPresenceContact *c = xmpp_presence_get_contact(presence, "romeo@example.test");
  g_assert_cmpuint(c->resources->len, ==, 2);
  const XmppPresenceResource *best = xmpp_presence_contact_get_best(c);
  g_assert_cmpstr(best->resource, ==, "desk");
  g_assert_cmpstr(best->status, ==, "working");
  script_send(s, "<presence from='romeo@example.test/desk' type='unavailable'/>");
  best = xmpp_presence_contact_get_best(xmpp_presence_get_contact(presence, "romeo@example.test"));
  g_assert_cmpstr(best->resource, ==, "phone"); /* negative priority: still online */
  script_send(s, "<presence from='romeo@example.test/phone' type='unavailable'/>");
  g_assert_null(xmpp_presence_get_contact(presence, "romeo@example.test"));
  g_assert_cmpstr(e.log->str, ==,
                  "changed:romeo@example.test:1 changed:romeo@example.test:2 "
                  "changed:romeo@example.test:1 changed:romeo@example.test:0 ");
  /* Nothing is ever answered to presence. */
  script_expect_nothing(s);
  done(s, &e);
}

static void
test_presence_error(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  XmppPresence *presence = xmpp_session_get_presence(s->session);
  script_send(s, "<presence from='romeo@example.test/orchard'/>");
  script_send(s, "<presence from='romeo@far.test' type='error'><error type='cancel'>"
                 "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                 "</error></presence>");
  const XmppPresenceContact *c = xmpp_presence_get_contact(presence, "romeo@far.test");
  g_assert_nonnull(c);
  g_assert_nonnull(c->error);
  g_assert_cmpuint(c->resources->len, ==, 0);
  /* Twin: the other contact is untouched. */
  g_assert_nonnull(xmpp_presence_get_contact(presence, "romeo@example.test"));
  script_expect_nothing(s); /* no error reply to an error (RFC 6120 §8.3.1) */
  done(s, &e);
}

/* §11 and §4.2: our broadcast presence goes to the server only; invisibility on a server
 * without XEP-0186 or privacy lists falls back to unavailable. */
static void
test_own_presence_and_invisible(void)
{
  Events e;
  ScriptServer *s = ready_session(&e);
  XmppPresence *presence = xmpp_session_get_presence(s->session);
  XmppOwnPresence own = {.show = XMPP_SHOW_CHAT, .status = "hi", .priority = 3};
  xmpp_presence_send_own(presence, &own);
  g_autoptr(XmppNode) p = script_expect(s, XMPP_NS_JABBER_CLIENT, "presence");
  g_assert_null(xmpp_node_get_attr(p, "to"));
  g_assert_null(xmpp_node_get_attr(p, "type"));
  xmpp_presence_discover(presence);
  g_autoptr(XmppNode) disco = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply = g_strdup_printf(
      "<iq type='result' from='example.test' id='%s'><query xmlns='http://jabber.org/protocol/"
      "disco#info'><feature var='urn:xmpp:ping'/></query></iq>",
      xmpp_node_get_attr(disco, "id"));
  script_send(s, reply);
  g_assert_cmpint(xmpp_presence_get_invisible_mechanism(presence), ==, XMPP_INVISIBLE_LEGACY);
  own.invisible = TRUE;
  xmpp_presence_send_own(presence, &own);
  expect_presence(s, NULL, "unavailable");
  script_expect_nothing(s);
  g_assert_false(script_output_contains(s, "type='invisible'"));
  done(s, &e);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/presence/subscribe_handshake", test_subscribe_handshake);
  g_test_add_func("/session/presence/subscribe_denied", test_subscribe_denied);
  g_test_add_func("/session/presence/two_resources", test_two_resources);
  g_test_add_func("/session/presence/presence_error", test_presence_error);
  g_test_add_func("/session/presence/own_presence_and_invisible", test_own_presence_and_invisible);
  return g_test_run();
}
