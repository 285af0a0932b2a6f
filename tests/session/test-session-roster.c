/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of the roster (RFC 6121 §2): fetch with versioning, the stored copy, pushes
 * (T34/T35) and set/remove requests with error replies, against a real XmppSession. */
#include <string.h>

#include "im/roster.h"
#include "xml/parser.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "script-server.h"

typedef struct {
  GString *events;
  guint calls;
  int code; /* -1 success */
  char *message;
} Recorder;

static void
ev_loaded(gpointer data, gboolean unchanged)
{
  g_string_append_printf(((Recorder *)data)->events, "loaded:%d ", unchanged);
}

static void
ev_item_updated(gpointer data, const XmppRosterItem *item, gboolean added)
{
  g_string_append_printf(((Recorder *)data)->events, "%s:%s ", added ? "added" : "updated",
                         xmpp_jid_get_full(item->jid));
}

static void
ev_item_removed(gpointer data, const XmppRosterItem *item)
{
  g_string_append_printf(((Recorder *)data)->events, "removed:%s ", xmpp_jid_get_full(item->jid));
}

static const XmppRosterEvents recorder_events = {
    .loaded = ev_loaded,
    .item_updated = ev_item_updated,
    .item_removed = ev_item_removed,
};

static void
on_request(const GError *error, gpointer data)
{
  Recorder *r = data;
  r->calls++;
  r->code = error != NULL ? error->code : -1;
  g_free(r->message);
  r->message = error != NULL ? g_strdup(error->message) : NULL;
}

static ScriptServer *
session_new(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  return script_new(&config);
}

/* Like script_login_plain, but the server advertises roster versioning (RFC 6121 §2.6.1). */
static void
login_with_rosterver(ScriptServer *s)
{
  xmpp_session_connect_transport(s->session, XMPP_TRANSPORT_TCP);
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER
              "<stream:features><mechanisms "
              "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
              "</mechanisms></stream:features>");
  g_autoptr(XmppNode) auth = script_expect(s, XMPP_NS_SASL, "auth");
  script_send(s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  script_expect_header(s);
  script_send(s, SCRIPT_STREAM_HEADER "<stream:features><bind "
                                      "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><ver "
                                      "xmlns='urn:xmpp:features:rosterver'/></stream:features>");
  g_autoptr(XmppNode) bind = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *reply =
      g_strdup_printf("<iq type='result' id='%s'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                      "<jid>juliet@example.test/balcony</jid></bind></iq>",
                      xmpp_node_get_attr(bind, "id"));
  script_send(s, reply);
  g_assert_true(xmpp_session_is_ready(s->session));
  script_answer_discovery(s, NULL);
}

static const char stored_copy[] = "lyre-roster 2\n"
                                  "ver\tv1\n"
                                  "romeo@example.net\tboth\t-\tRomeo\tFriends\n"
                                  "nurse@example.test\tfrom\t-\t\n"
                                  "end\t2\n";

/* Sends the roster get the glue would send at sign-in; returns the query element's ver. */
static char *
fetch(ScriptServer *s, XmppRoster *roster, char **id)
{
  xmpp_roster_fetch(roster, xmpp_session_server_has_roster_versioning(s->session));
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "get");
  XmppNode *query = xmpp_node_get_child(iq, XMPP_NS_ROSTER, "query");
  g_assert_nonnull(query);
  *id = g_strdup(xmpp_node_get_attr(iq, "id"));
  return g_strdup(xmpp_node_get_attr(query, "ver"));
}

/* Sign-in with a stored copy and an unchanged roster: ver sent, empty result, stored items kept,
 * then a push on top updates items and version. */
static void
test_fetch_unchanged_uses_stored_copy(void)
{
  ScriptServer *s = session_new();
  Recorder r = {.events = g_string_new(NULL)};
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  xmpp_roster_set_events(roster, &recorder_events, &r);
  g_assert_true(xmpp_roster_store_load(roster, stored_copy, sizeof stored_copy - 1, NULL));
  login_with_rosterver(s);
  g_autofree char *id = NULL;
  g_autofree char *ver = fetch(s, roster, &id);
  g_assert_cmpstr(ver, ==, "v1");
  g_autofree char *result = g_strdup_printf("<iq type='result' id='%s'/>", id);
  script_send(s, result);
  g_assert_cmpstr(r.events->str, ==, "loaded:1 ");
  g_assert_cmpuint(xmpp_roster_n_items(roster), ==, 2);
  g_assert_cmpstr(xmpp_roster_lookup_str(roster, "romeo@example.net")->name, ==, "Romeo");

  script_send(s, "<iq type='set' id='push1'><query xmlns='jabber:iq:roster' ver='v2'><item "
                 "jid='nurse@example.test' name='Nurse' subscription='both'/></query></iq>");
  g_autoptr(XmppNode) ack = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(ack, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(ack, "id"), ==, "push1");
  g_assert_cmpstr(r.events->str, ==, "loaded:1 updated:nurse@example.test ");
  g_assert_cmpstr(xmpp_roster_get_version(roster), ==, "v2");
  script_expect_nothing(s);
  script_free(s);
  g_string_free(r.events, TRUE);
}

/* A changed roster: the full result replaces the stored copy. */
static void
test_fetch_changed_full_result(void)
{
  ScriptServer *s = session_new();
  Recorder r = {.events = g_string_new(NULL)};
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  xmpp_roster_set_events(roster, &recorder_events, &r);
  g_assert_true(xmpp_roster_store_load(roster, stored_copy, sizeof stored_copy - 1, NULL));
  login_with_rosterver(s);
  g_autofree char *id = NULL;
  g_autofree char *ver = fetch(s, roster, &id);
  g_autofree char *result =
      g_strdup_printf("<iq type='result' id='%s'><query xmlns='jabber:iq:roster' ver='v5'><item "
                      "jid='romeo@example.net' subscription='both'/></query></iq>",
                      id);
  script_send(s, result);
  g_assert_cmpstr(r.events->str, ==, "removed:nurse@example.test loaded:0 ");
  g_assert_cmpstr(xmpp_roster_get_version(roster), ==, "v5");
  g_assert_null(xmpp_roster_lookup_str(roster, "romeo@example.net")->name);
  script_free(s);
  g_string_free(r.events, TRUE);
}

/* A server without roster versioning never sees a ver attribute (§2.6.1). */
static void
test_fetch_no_versioning(void)
{
  ScriptServer *s = session_new();
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  g_assert_true(xmpp_roster_store_load(roster, stored_copy, sizeof stored_copy - 1, NULL));
  script_login_plain(s);
  g_assert_false(xmpp_session_server_has_roster_versioning(s->session));
  g_autofree char *id = NULL;
  g_autofree char *ver = fetch(s, roster, &id);
  g_assert_null(ver);
  /* Positive twin: with the feature, a first sign-in bootstraps with ver=''. */
  ScriptServer *s2 = session_new();
  login_with_rosterver(s2);
  g_autofree char *id2 = NULL;
  g_autofree char *ver2 = fetch(s2, xmpp_session_get_roster(s2->session), &id2);
  g_assert_cmpstr(ver2, ==, "");
  script_free(s);
  script_free(s2);
}

/* A big buddy list arrives as one stanza: 10,000 items are about 1 MB, over the parser's
 * default 512 KiB, and the client stream takes it (XMPP_XML_MAX_CLIENT_STANZA_BYTES). */
static void
test_big_roster_one_stanza(void)
{
  ScriptServer *s = session_new();
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  script_login_plain(s);
  g_autofree char *id = NULL;
  g_autofree char *ver = fetch(s, roster, &id);
  GString *result = g_string_new(NULL);
  g_string_append_printf(result, "<iq type='result' id='%s'><query xmlns='jabber:iq:roster'>", id);
  for (guint i = 0; i < 10000; i++)
    g_string_append_printf(result,
                           "<item jid='contact%05u@example.test' name='Contact %u' "
                           "subscription='both'><group>Friends</group></item>",
                           i, i);
  g_string_append(result, "</query></iq>");
  g_assert_cmpuint(result->len, >, XMPP_XML_MAX_STANZA_BYTES);
  script_send(s, result->str);
  g_assert_false(s->closed);
  g_assert_cmpuint(xmpp_roster_n_items(roster), ==, 10000);
  /* ... and its stored copy reads back whole. */
  gsize len = 0;
  g_autofree char *bytes = xmpp_roster_store_serialize(roster, &len);
  g_autoptr(GPtrArray) items = NULL;
  g_assert_true(xmpp_roster_store_parse(bytes, len, NULL, &items, NULL));
  g_assert_cmpuint(items->len, ==, 10000);
  g_string_free(result, TRUE);
  script_free(s);
}

/* Twin: one stanza over the client limit ends the stream with policy-violation. */
static void
test_stanza_over_client_limit(void)
{
  ScriptServer *s = session_new();
  script_login_plain(s);
  GString *big = g_string_new("<message from='romeo@example.net' type='chat'><body>");
  while (big->len <= XMPP_XML_MAX_CLIENT_STANZA_BYTES)
    g_string_append(big, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_string_append(big, "</body></message>");
  script_send(s, big->str);
  g_assert_true(s->closed);
  g_assert_true(script_output_contains(s, "policy-violation"));
  g_string_free(big, TRUE);
  script_free(s);
}

/* T34: a roster push from a third party is refused and changes nothing. */
static void
test_T34_roster_push_spoof(void)
{
  ScriptServer *s = session_new();
  Recorder r = {.events = g_string_new(NULL)};
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  xmpp_roster_set_events(roster, &recorder_events, &r);
  script_login_plain(s);
  script_send(s, "<iq type='set' from='mallory@evil.test' id='p1'><query "
                 "xmlns='jabber:iq:roster'><item jid='mallory@evil.test' name='Alice' "
                 "subscription='both'/></query></iq>");
  g_autoptr(XmppNode) reply = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "error");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, "mallory@evil.test");
  XmppNode *error = xmpp_node_get_child(reply, NULL, "error");
  g_assert_nonnull(xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, "service-unavailable"));
  /* The payload is not echoed back (T54). */
  g_assert_null(xmpp_node_get_child(reply, XMPP_NS_ROSTER, "query"));
  g_assert_cmpuint(xmpp_roster_n_items(roster), ==, 0);
  g_assert_cmpstr(r.events->str, ==, "");
  script_free(s);
  g_string_free(r.events, TRUE);
}

/* T35: pushes with no from and from a case variant of our bare JID are applied. */
static void
test_T35_roster_push_positive_twin(void)
{
  ScriptServer *s = session_new();
  Recorder r = {.events = g_string_new(NULL)};
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  xmpp_roster_set_events(roster, &recorder_events, &r);
  script_login_plain(s);
  script_send(s, "<iq type='set' id='p1'><query xmlns='jabber:iq:roster'><item "
                 "jid='romeo@example.net' subscription='both'/></query></iq>");
  g_autoptr(XmppNode) a1 = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(a1, "type"), ==, "result");
  script_send(s, "<iq type='set' from='Juliet@Example.TEST' id='p2'><query "
                 "xmlns='jabber:iq:roster'><item jid='benvolio@example.net' name='Ben'/></query>"
                 "</iq>");
  g_autoptr(XmppNode) a2 = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(a2, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(a2, "id"), ==, "p2");
  g_assert_cmpstr(r.events->str, ==, "added:romeo@example.net added:benvolio@example.net ");
  g_assert_cmpuint(xmpp_roster_n_items(roster), ==, 2);
  script_free(s);
  g_string_free(r.events, TRUE);
}

/* Set and remove requests: what goes out, and the server's error reaching the callback. */
static void
test_set_remove_and_errors(void)
{
  ScriptServer *s = session_new();
  Recorder r = {.events = g_string_new(NULL)};
  XmppRoster *roster = xmpp_session_get_roster(s->session);
  script_login_plain(s);

  g_autoptr(XmppJid) jid = xmpp_jid_parse("romeo@example.net", NULL);
  const char *groups[] = {"Friends", "Lovers", NULL};
  g_autoptr(XmppRosterItem) item = xmpp_roster_item_new(jid, "Romeo", groups);
  xmpp_roster_request_set(roster, item, on_request, &r, NULL);
  g_autoptr(XmppNode) set = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(set, "type"), ==, "set");
  XmppNode *sent = xmpp_node_get_child(xmpp_node_get_child(set, XMPP_NS_ROSTER, "query"),
                                       XMPP_NS_ROSTER, "item");
  g_assert_cmpstr(xmpp_node_get_attr(sent, "name"), ==, "Romeo");
  g_autoptr(XmppRosterItem) parsed = xmpp_roster_item_parse(sent, NULL);
  g_assert_true(xmpp_roster_item_equal(item, parsed));
  g_autofree char *err = g_strdup_printf(
      "<iq type='error' id='%s'><error type='modify'><not-acceptable "
      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Name too long</text></error></iq>",
      xmpp_node_get_attr(set, "id"));
  script_send(s, err);
  g_assert_cmpuint(r.calls, ==, 1);
  g_assert_cmpint(r.code, ==, XMPP_STANZA_ERROR_NOT_ACCEPTABLE);
  g_assert_nonnull(strstr(r.message, "Name too long"));

  xmpp_roster_request_remove(roster, jid, on_request, &r, NULL);
  g_autoptr(XmppNode) rm = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  XmppNode *rm_item =
      xmpp_node_get_child(xmpp_node_get_child(rm, XMPP_NS_ROSTER, "query"), XMPP_NS_ROSTER, "item");
  g_assert_cmpstr(xmpp_node_get_attr(rm_item, "subscription"), ==, "remove");
  g_autofree char *ok =
      g_strdup_printf("<iq type='result' id='%s'/>", xmpp_node_get_attr(rm, "id"));
  script_send(s, ok);
  g_assert_cmpuint(r.calls, ==, 2);
  g_assert_cmpint(r.code, ==, -1);

  /* A request still pending when the session goes ends with SESSION_CLOSED. */
  xmpp_roster_request_remove(roster, jid, on_request, &r, NULL);
  script_free(s);
  g_assert_cmpuint(r.calls, ==, 3);
  g_assert_cmpint(r.code, ==, XMPP_IQ_ERROR_SESSION_CLOSED);
  g_free(r.message);
  g_string_free(r.events, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/roster/fetch_unchanged_uses_stored_copy",
                  test_fetch_unchanged_uses_stored_copy);
  g_test_add_func("/session/roster/fetch_changed_full_result", test_fetch_changed_full_result);
  g_test_add_func("/session/roster/fetch_no_versioning", test_fetch_no_versioning);
  g_test_add_func("/session/roster/T34_roster_push_spoof", test_T34_roster_push_spoof);
  g_test_add_func("/session/roster/T35_roster_push_positive_twin",
                  test_T35_roster_push_positive_twin);
  g_test_add_func("/session/roster/set_remove_and_errors", test_set_remove_and_errors);
  g_test_add_func("/session/roster/big_roster_one_stanza", test_big_roster_one_stanza);
  g_test_add_func("/session/roster/stanza_over_client_limit", test_stanza_over_client_limit);
  return g_test_run();
}
