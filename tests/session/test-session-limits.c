/* SPDX-License-Identifier: GPL-2.0-or-later */
/* T9 on a signed-in client stream: every stanza may be 512 KiB (XMPP_XML_MAX_STANZA_BYTES),
 * and the stream ends with policy-violation the moment one crosses that, before it is complete.
 * Only the result of our own request to our own account (the roster) may grow to 8 MiB
 * (XMPP_XML_MAX_CLIENT_STANZA_BYTES). Each refusal has its twin just under the limit. */
#include "router/namespaces.h"
#include "script-server.h"
#include "im/roster.h"

#define CHUNK (64 * 1024)

static ScriptServer *
signed_in(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "pw",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  ScriptServer *s = script_new(&config);
  script_login_plain(s);
  g_assert_true(xmpp_session_is_ready(s->session));
  return s;
}

/* `head` + filler text up to `total` bytes + `tail`, where total counts all three. */
static char *
stanza_of_size(const char *head, const char *tail, gsize total)
{
  gsize fixed = strlen(head) + strlen(tail);
  g_assert_cmpuint(total, >, fixed);
  GString *s = g_string_sized_new(total + 1);
  g_string_append(s, head);
  while (s->len < total - strlen(tail))
    g_string_append_c(s, 'a' + (char)(s->len % 26));
  g_string_append(s, tail);
  g_assert_cmpuint(s->len, ==, total);
  return g_string_free(s, FALSE);
}

/* Sends `head` then filler in CHUNK pieces, never the end tag, until the session closes or
 * `most` bytes went out; returns how many bytes it took. */
static gsize
send_until_closed(ScriptServer *s, const char *head, gsize most)
{
  script_send(s, head);
  gsize sent = strlen(head);
  g_autofree char *chunk = g_malloc(CHUNK + 1);
  memset(chunk, 'x', CHUNK);
  chunk[CHUNK] = '\0';
  while (!s->closed && sent < most) {
    script_send(s, chunk);
    sent += CHUNK;
  }
  return sent;
}

static void
check_closed_for_policy(ScriptServer *s)
{
  g_assert_true(s->closed);
  g_assert_error(s->closed_error, XMPP_XML_ERROR, XMPP_XML_ERROR_POLICY_VIOLATION);
  g_assert_true(script_output_contains(s, "policy-violation"));
}

/* A message that never ends is cut as soon as it passes 512 KiB, not at 8 MiB. */
static void
test_T9_message_cut_at_limit(void)
{
  ScriptServer *s = signed_in();
  gsize sent = send_until_closed(s, "<message from='romeo@example.net/orchard' type='chat'><body>",
                                 4 * 1024 * 1024);
  check_closed_for_policy(s);
  g_assert_cmpuint(sent, >, XMPP_XML_MAX_STANZA_BYTES);
  g_assert_cmpuint(sent, <=, XMPP_XML_MAX_STANZA_BYTES + CHUNK);
  script_free(s);
}

static void
test_T9_message_at_limit_kept(void)
{
  ScriptServer *s = signed_in();
  g_autofree char *ok =
      stanza_of_size("<message from='romeo@example.net/orchard' type='chat'><body>",
                     "</body></message>", XMPP_XML_MAX_STANZA_BYTES);
  script_send(s, ok);
  g_assert_false(s->closed);
  script_free(s);
  /* One byte more is refused. */
  s = signed_in();
  g_autofree char *over =
      stanza_of_size("<message from='romeo@example.net/orchard' type='chat'><body>",
                     "</body></message>", XMPP_XML_MAX_STANZA_BYTES + 1);
  script_send(s, over);
  check_closed_for_policy(s);
  script_free(s);
}

static void
test_T9_presence_cut_at_limit(void)
{
  ScriptServer *s = signed_in();
  gsize sent =
      send_until_closed(s, "<presence from='romeo@example.net/orchard'><status>", 4 * 1024 * 1024);
  check_closed_for_policy(s);
  g_assert_cmpuint(sent, <=, XMPP_XML_MAX_STANZA_BYTES + CHUNK);
  script_free(s);
  /* Twin: a status of 500 KiB is taken. */
  s = signed_in();
  g_autofree char *ok = stanza_of_size("<presence from='romeo@example.net/orchard'><status>",
                                       "</status></presence>", 500 * 1024);
  script_send(s, ok);
  g_assert_false(s->closed);
  script_free(s);
}

/* Asks for the roster and returns the request's id. */
static char *
roster_request(ScriptServer *s)
{
  xmpp_roster_fetch(xmpp_session_get_roster(s->session), FALSE);
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_nonnull(xmpp_node_get_child(iq, XMPP_NS_ROSTER, "query"));
  return g_strdup(xmpp_node_get_attr(iq, "id"));
}

static char *
roster_result(const char *attrs, gsize total)
{
  g_autofree char *head =
      g_strdup_printf("<iq type='result' %s><query xmlns='jabber:iq:roster'><item "
                      "jid='a@example.test' name='",
                      attrs);
  return stanza_of_size(head, "'/></query></iq>", total);
}

/* The roster result may pass 512 KiB, with no from or from our own bare JID; past 8 MiB it is
 * refused too, and cut before it ends. */
static void
test_T9_own_roster_result_may_be_large(void)
{
  ScriptServer *s = signed_in();
  g_autofree char *id = roster_request(s);
  g_autofree char *attrs = g_strdup_printf("id='%s'", id);
  g_autofree char *big = roster_result(attrs, 3 * 1024 * 1024);
  script_send(s, big);
  g_assert_false(s->closed);
  g_assert_cmpuint(xmpp_roster_n_items(xmpp_session_get_roster(s->session)), ==, 1);
  script_free(s);

  s = signed_in();
  g_autofree char *id2 = roster_request(s);
  g_autofree char *attrs2 = g_strdup_printf("id='%s' from='juliet@example.test'", id2);
  g_autofree char *big2 = roster_result(attrs2, 3 * 1024 * 1024);
  script_send(s, big2);
  g_assert_false(s->closed);
  script_free(s);

  s = signed_in();
  g_autofree char *id3 = roster_request(s);
  g_autofree char *head = g_strdup_printf(
      "<iq type='result' id='%s'><query xmlns='jabber:iq:roster'><item jid='a@example.test' "
      "name='",
      id3);
  gsize sent = send_until_closed(s, head, 2 * XMPP_XML_MAX_CLIENT_STANZA_BYTES);
  check_closed_for_policy(s);
  g_assert_cmpuint(sent, >, XMPP_XML_MAX_CLIENT_STANZA_BYTES);
  g_assert_cmpuint(sent, <=, XMPP_XML_MAX_CLIENT_STANZA_BYTES + CHUNK);
  script_free(s);
}

static void
ignore_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
}

/* What does not earn the large limit: an unknown id, our id from a third party, a roster push
 * (type set) from our own account, and the result of a request to a contact. */
static void
test_T9_other_iqs_keep_the_limit(void)
{
  ScriptServer *s = signed_in();
  g_autofree char *id = roster_request(s);
  g_assert_cmpstr(id, !=, "not-ours"); /* a request is pending, under another id */
  g_autofree char *unknown = roster_result("id='not-ours'", XMPP_XML_MAX_STANZA_BYTES + 1);
  script_send(s, unknown);
  check_closed_for_policy(s);
  script_free(s);

  s = signed_in();
  g_autofree char *id2 = roster_request(s);
  g_autofree char *attrs = g_strdup_printf("id='%s' from='mallory@evil.test'", id2);
  g_autofree char *spoof = roster_result(attrs, XMPP_XML_MAX_STANZA_BYTES + 1);
  script_send(s, spoof);
  check_closed_for_policy(s);
  script_free(s);

  s = signed_in();
  g_autofree char *push = stanza_of_size(
      "<iq type='set' id='push1'><query xmlns='jabber:iq:roster'><item jid='a@example.test' "
      "name='",
      "'/></query></iq>", XMPP_XML_MAX_STANZA_BYTES + 1);
  script_send(s, push);
  check_closed_for_policy(s);
  script_free(s);

  s = signed_in();
  XmppNode *iq = xmpp_stanza_new_iq("get", "romeo@example.net", NULL);
  xmpp_node_add_child(iq, xmpp_node_new("vcard-temp", "vCard"));
  xmpp_session_send_iq(s->session, iq, ignore_reply, NULL, NULL);
  g_autoptr(XmppNode) sent_iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_autofree char *head = g_strdup_printf("<iq type='result' id='%s' from='romeo@example.net'>"
                                          "<vCard xmlns='vcard-temp'><DESC>",
                                          xmpp_node_get_attr(sent_iq, "id"));
  g_autofree char *vcard =
      stanza_of_size(head, "</DESC></vCard></iq>", XMPP_XML_MAX_STANZA_BYTES + 1);
  script_send(s, vcard);
  check_closed_for_policy(s);
  script_free(s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/limits/T9_message_cut_at_limit", test_T9_message_cut_at_limit);
  g_test_add_func("/session/limits/T9_message_at_limit_kept", test_T9_message_at_limit_kept);
  g_test_add_func("/session/limits/T9_presence_cut_at_limit", test_T9_presence_cut_at_limit);
  g_test_add_func("/session/limits/T9_own_roster_result_may_be_large",
                  test_T9_own_roster_result_may_be_large);
  g_test_add_func("/session/limits/T9_other_iqs_keep_the_limit", test_T9_other_iqs_keep_the_limit);
  return g_test_run();
}
