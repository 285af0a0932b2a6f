/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of the XML console's seam (session-tap.h): the tap sees every element in
 * and out of a real session, redacted (the SASL payload and a XEP-0077 password never reach it,
 * though the server gets them), while an ordinary message reaches it whole; raw stanzas typed
 * by the user are checked, sent, and their answer seen; and the redaction, the indented text
 * and the disco#items parser (services/disco-items.h) of the service browser one by one. */
#include <string.h>

#include "parse-helper.h"
#include "router/namespaces.h"
#include "script-server.h"
#include "services/disco-items.h"
#include "services/register.h"
#include "session-tap.h"

typedef struct {
  GString *in, *out; /* the tap's text, one element a line group */
  guint calls;
  gboolean stop_inside; /* sets the tap to NULL from inside the first call */
  XmppSession *session;
} Tap;

static void
on_tap(gpointer data, XmppTapDirection direction, const XmppNode *element)
{
  Tap *t = data;
  t->calls++;
  g_autofree char *text = xmpp_tap_format(element);
  g_string_append_printf(direction == XMPP_TAP_IN ? t->in : t->out, "%s\n", text);
  if (t->stop_inside)
    xmpp_session_set_tap(t->session, NULL, NULL);
}

static void
tap_init(Tap *t, XmppSession *session)
{
  memset(t, 0, sizeof *t);
  t->in = g_string_new(NULL);
  t->out = g_string_new(NULL);
  t->session = session;
  xmpp_session_set_tap(session, on_tap, t);
}

static void
tap_clear(Tap *t)
{
  g_string_free(t->in, TRUE);
  g_string_free(t->out, TRUE);
}

static ScriptServer *
new_session(void)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30-and-more",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  return script_new(&config);
}

/* The text of the client's <auth/> as the server received it. */
static char *
auth_payload(ScriptServer *s)
{
  const char *start = strstr(s->seen->str, "<auth ");
  g_assert_nonnull(start);
  start = strchr(start, '>');
  const char *end = strstr(start, "</auth>");
  g_assert_nonnull(end);
  return g_strndup(start + 1, end - start - 1);
}

static void
test_login_redacted(void)
{
  ScriptServer *s = new_session();
  Tap t;
  tap_init(&t, s->session);
  script_login_plain(s);
  /* The server got the PLAIN payload; the tap saw the element, not the payload. */
  g_autofree char *payload = auth_payload(s);
  g_assert_cmpuint(strlen(payload), >, 8);
  g_assert_nonnull(strstr(t.out->str, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                                      "mechanism='PLAIN'>" XMPP_TAP_HIDDEN "</auth>"));
  g_assert_null(strstr(t.out->str, payload));
  g_assert_null(strstr(t.out->str, "r0m30"));
  /* The rest of the sign-in, both ways: features in, bind out and its result in. */
  g_assert_nonnull(strstr(t.in->str, "<stream:features>\n  <mechanisms"));
  g_assert_nonnull(strstr(t.in->str, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
  g_assert_nonnull(strstr(t.out->str, "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'"));
  g_assert_nonnull(strstr(t.in->str, "<jid>juliet@example.test/balcony</jid>"));

  /* The positive twin: an ordinary message is shown whole, indented. */
  script_send(s, "<message from='romeo@example.test/orchard' to='juliet@example.test/balcony' "
                 "type='chat' id='m1'><body>Hello &amp; &lt;welcome&gt; password</body>"
                 "<thread>t1</thread></message>");
  g_assert_nonnull(strstr(t.in->str, "<message from='romeo@example.test/orchard' "
                                     "to='juliet@example.test/balcony' type='chat' id='m1'>\n"
                                     "  <body>Hello &amp; &lt;welcome&gt; password</body>\n"
                                     "  <thread>t1</thread>\n"
                                     "</message>\n"));
  tap_clear(&t);
  script_free(s);
}

static void
on_done(const GError *error, gpointer data)
{
  *(guint *)data += 1;
}

static void
test_password_change_redacted(void)
{
  ScriptServer *s = new_session();
  script_login_plain(s);
  Tap t;
  tap_init(&t, s->session);
  guint done = 0;
  xmpp_registration_change_password(xmpp_session_get_registration(s->session), "n3w-s3cret",
                                    on_done, &done, NULL);
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  /* The server gets the new password (XEP-0077 §3.3); the console never sees it. */
  g_assert_true(script_output_contains(s, "n3w-s3cret"));
  g_assert_nonnull(strstr(t.out->str, "<password>" XMPP_TAP_HIDDEN "</password>"));
  g_assert_nonnull(strstr(t.out->str, "<username>juliet</username>"));
  g_assert_null(strstr(t.out->str, "n3w-s3cret"));
  g_autofree char *reply = g_strdup_printf("<iq type='result' from='example.test' id='%s'/>",
                                           xmpp_node_get_attr(iq, "id"));
  script_send(s, reply);
  g_assert_cmpuint(done, ==, 1);
  tap_clear(&t);
  script_free(s);
}

static void
test_raw_stanza_sent_and_answered(void)
{
  ScriptServer *s = new_session();
  script_login_plain(s);
  Tap t;
  tap_init(&t, s->session);
  g_autoptr(GPtrArray) stanzas = NULL;
  g_autofree char *detail = NULL;
  g_assert_cmpint(xmpp_tap_parse_input("  <iq type='get' to='example.test' id='x1'><ping "
                                       "xmlns='urn:xmpp:ping'/></iq>\n",
                                       &stanzas, &detail),
                  ==, XMPP_TAP_INPUT_OK);
  g_assert_null(detail);
  g_assert_cmpuint(stanzas->len, ==, 1);
  xmpp_session_send(s->session, stanzas->pdata[0]);
  g_autoptr(XmppNode) iq = script_expect(s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(iq, "id"), ==, "x1");
  g_assert_nonnull(xmpp_node_get_child(iq, XMPP_NS_PING, "ping"));
  g_assert_nonnull(strstr(t.out->str, "<iq type='get' to='example.test' id='x1'>\n"
                                      "  <ping xmlns='urn:xmpp:ping'/>\n</iq>"));
  /* The answer to a request the core did not make is shown, then dropped quietly. */
  script_send(s, "<iq type='result' from='example.test' to='juliet@example.test/balcony' "
                 "id='x1'/>");
  g_assert_nonnull(strstr(t.in->str, "id='x1'/>"));
  g_assert_true(xmpp_session_is_ready(s->session));
  script_expect_nothing(s);

  /* Off: nothing more is shown. */
  xmpp_session_set_tap(s->session, NULL, NULL);
  guint calls = t.calls;
  script_send(s, "<message from='romeo@example.test/orchard'><body>hi</body></message>");
  g_assert_cmpuint(t.calls, ==, calls);
  tap_clear(&t);
  script_free(s);
}

static void
test_tap_stops_from_inside(void)
{
  ScriptServer *s = new_session();
  script_login_plain(s);
  Tap t;
  tap_init(&t, s->session);
  t.stop_inside = TRUE;
  script_send(s, "<message from='romeo@example.test/orchard'><body>one</body></message>"
                 "<message from='romeo@example.test/orchard'><body>two</body></message>");
  g_assert_cmpuint(t.calls, ==, 1);
  g_assert_true(xmpp_session_is_ready(s->session));
  tap_clear(&t);
  script_free(s);
}

/* ---- what the user types ---- */

static XmppTapInput
parse(const char *text, guint *n, char **detail)
{
  g_autoptr(GPtrArray) stanzas = NULL;
  XmppTapInput r = xmpp_tap_parse_input(text, &stanzas, detail);
  g_assert_true((r == XMPP_TAP_INPUT_OK) == (stanzas != NULL));
  *n = stanzas != NULL ? stanzas->len : 0;
  return r;
}

static void
test_input_checks(void)
{
  guint n = 0;
  char *detail = NULL;
  g_assert_cmpint(
      parse("<message to='a@b'><body>x</body></message> <presence/>\n<iq/>", &n, &detail), ==,
      XMPP_TAP_INPUT_OK);
  g_assert_cmpuint(n, ==, 3);
  g_assert_null(detail);

  static const struct {
    const char *text;
    XmppTapInput result;
    const char *detail; /* a part of it, or NULL for none */
  } cases[] = {
      {"", XMPP_TAP_INPUT_EMPTY, NULL},
      {" \n\t", XMPP_TAP_INPUT_EMPTY, NULL},
      {"<iq type='get' id='a'>", XMPP_TAP_INPUT_NOT_WELL_FORMED, ""},
      {"<iq type='get' id='a'></message>", XMPP_TAP_INPUT_NOT_WELL_FORMED, ""},
      {"<iq type='get' id='a'/", XMPP_TAP_INPUT_NOT_WELL_FORMED, "outside"},
      {"hello <iq/>", XMPP_TAP_INPUT_NOT_WELL_FORMED, "outside"},
      {"<iq/> trailing", XMPP_TAP_INPUT_NOT_WELL_FORMED, "outside"},
      {"<iq a='1' a='2'/>", XMPP_TAP_INPUT_NOT_WELL_FORMED, ""},
      {"<x:iq/>", XMPP_TAP_INPUT_NOT_WELL_FORMED, ""},
      {"<!-- note --><iq/>", XMPP_TAP_INPUT_NOT_WELL_FORMED, ""},
      {"<?xml version='1.0'?><iq/>", XMPP_TAP_INPUT_NOT_WELL_FORMED, ""},
      {"<stream:stream>", XMPP_TAP_INPUT_NOT_A_STANZA, "<stream:stream>"},
      {"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='example.test'>",
       XMPP_TAP_INPUT_NOT_A_STANZA, "<stream:stream>"},
      {"<iq/></stream:stream>", XMPP_TAP_INPUT_NOT_A_STANZA, "</stream:stream>"},
      {"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>",
       XMPP_TAP_INPUT_NOT_A_STANZA, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"},
      {"<r xmlns='urn:xmpp:sm:3'/>", XMPP_TAP_INPUT_NOT_A_STANZA, "<r "},
      {"<iq/><foo/>", XMPP_TAP_INPUT_NOT_A_STANZA, "<foo>"},
      {"<iq xmlns='jabber:server'/>", XMPP_TAP_INPUT_NOT_A_STANZA, "<iq "},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    detail = NULL;
    XmppTapInput r = parse(cases[i].text, &n, &detail);
    if (r != cases[i].result)
      g_error("%s: %d, expected %d (%s)", cases[i].text, r, cases[i].result, detail ? detail : "-");
    if (cases[i].detail == NULL)
      g_assert_null(detail);
    else if (detail == NULL || strstr(detail, cases[i].detail) == NULL)
      g_error("%s: detail %s, expected %s", cases[i].text, detail ? detail : "NULL",
              cases[i].detail);
    g_free(detail);
  }

  GString *many = g_string_new(NULL);
  for (guint i = 0; i <= XMPP_TAP_MAX_INPUT_STANZAS; i++)
    g_string_append(many, "<presence/>");
  g_assert_cmpint(parse(many->str, &n, NULL), ==, XMPP_TAP_INPUT_TOO_MANY);
  g_string_truncate(many, strlen("<presence/>") * XMPP_TAP_MAX_INPUT_STANZAS);
  g_assert_cmpint(parse(many->str, &n, NULL), ==, XMPP_TAP_INPUT_OK);
  g_assert_cmpuint(n, ==, XMPP_TAP_MAX_INPUT_STANZAS);
  g_string_free(many, TRUE);

  /* The console's conversation name can never be a JID: send_im tells them apart by it. */
  g_assert_null(xmpp_jid_parse("XML Console", NULL));
}

/* ---- redaction and indentation, one by one ---- */

static char *
redacted_text(const char *xml)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  g_autoptr(XmppNode) copy = xmpp_tap_redact(node);
  return xmpp_tap_format(copy);
}

static void
test_redaction(void)
{
  static const struct {
    const char *xml;
    const char *secret; /* must not be shown */
    const char *shown;  /* must be shown */
  } cases[] = {
      {"<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1meWtvK2Q=</challenge>",
       "cj1meWtvK2Q", ">[hidden]<"},
      {"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdz</response>", "Yz1iaXdz",
       ">[hidden]<"},
      {"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFW</success>", "dj1ybUY5",
       ">[hidden]<"},
      {"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", NULL,
       "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"},
      {"<authenticate xmlns='urn:xmpp:sasl:2' mechanism='SCRAM-SHA-1'><initial-response>"
       "biwsbj11c2Vy</initial-response></authenticate>",
       "biwsbj11c2Vy", "<initial-response>[hidden]</initial-response>"},
      {"<iq type='set'><query xmlns='jabber:iq:auth'><username>u</username><password>pw1"
       "</password><digest>abcdef</digest><resource>r</resource></query></iq>",
       "pw1", "<resource>r</resource>"},
      {"<iq type='set'><query xmlns='jabber:iq:auth'><digest>abcdef</digest></query></iq>",
       "abcdef", "<digest>[hidden]</digest>"},
      {"<iq type='set'><query xmlns='jabber:iq:register'><username>u</username><password>pw2"
       "</password></query></iq>",
       "pw2", "<username>u</username>"},
      {"<presence to='room@conf/nick'><x xmlns='http://jabber.org/protocol/muc'><password>"
       "roompw</password></x></presence>",
       "roompw", "<password>[hidden]</password>"},
      {"<message><x xmlns='http://jabber.org/protocol/muc#user'><invite from='a@b'/><password>"
       "invitepw</password></x></message>",
       "invitepw", "<invite from='a@b'/>"},
      {"<iq type='set'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
       "<field var='username'><value>bob</value></field><field var='password'><value>formpw"
       "</value></field><field var='Password-Verify'><value>formpw2</value></field></x></query>"
       "</iq>",
       "formpw", "<value>bob</value>"},
      {"<x xmlns='jabber:x:data' type='form'><field var='pin' type='text-private'><value>1234"
       "</value></field><field var='muc#roomconfig_roomsecret'><value>sekrit</value></field>"
       "<field var='name' type='text-single'><value>visible</value></field></x>",
       "1234", "<value>visible</value>"},
      {"<x xmlns='jabber:x:data' type='form'><field var='muc#roomconfig_roomsecret'><value>"
       "sekrit</value></field></x>",
       "sekrit", "[hidden]"},
      {"<iq type='result'><slot xmlns='urn:xmpp:http:upload:0'><put url='https://u/p'><header "
       "name='Authorization'>Basic c2VjcmV0</header><header name='Expires'>60</header></put>"
       "</slot></iq>",
       "c2VjcmV0", "<header name='Expires'>60</header>"},
      {"<success xmlns='urn:xmpp:sasl:2'><additional-data>dj1zZWNyZXQ=</additional-data>"
       "<token xmlns='urn:xmpp:fast:0' expiry='2026-01-01T00:00:00Z' token='fasttoken1'/>"
       "</success>",
       "fasttoken1", "expiry='2026-01-01T00:00:00Z'"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = redacted_text(cases[i].xml);
    if (cases[i].secret != NULL && strstr(text, cases[i].secret) != NULL)
      g_error("secret %s shown in:\n%s", cases[i].secret, text);
    if (strstr(text, cases[i].shown) == NULL)
      g_error("%s not shown in:\n%s", cases[i].shown, text);
  }
  /* The original is left as it was: only the copy is redacted. */
  g_autoptr(XmppNode) auth = test_parse_element(
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldABw</auth>");
  g_autoptr(XmppNode) copy = xmpp_tap_redact(auth);
  g_autofree char *original = xmpp_node_dup_text(auth);
  g_assert_cmpstr(original, ==, "AGp1bGlldABw");
  g_autofree char *hidden = xmpp_node_dup_text(copy);
  g_assert_cmpstr(hidden, ==, XMPP_TAP_HIDDEN);
}

static void
test_format(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<iq type='result' id='a&amp;b' to='j@e/r'>\n  <query xmlns='jabber:iq:roster' ver='1'>"
      "<item jid='a@e' name='&lt;A&gt;'><group>Friends</group></item><item jid='b@e'/></query>"
      "</iq>");
  g_autofree char *text = xmpp_tap_format(node);
  g_assert_cmpstr(text, ==,
                  "<iq type='result' id='a&amp;b' to='j@e/r'>\n"
                  "  <query xmlns='jabber:iq:roster' ver='1'>\n"
                  "    <item jid='a@e' name='&lt;A&gt;'>\n"
                  "      <group>Friends</group>\n"
                  "    </item>\n"
                  "    <item jid='b@e'/>\n"
                  "  </query>\n"
                  "</iq>");
  /* Stream-level elements keep their prefix; their children the stream's namespace. */
  g_autoptr(XmppNode) features = test_parse_element(
      "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
  g_autofree char *ftext = xmpp_tap_format(features);
  g_assert_cmpstr(ftext, ==,
                  "<stream:features>\n  <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\n"
                  "</stream:features>");
  /* Mixed content: the text between elements on lines of its own. */
  g_autoptr(XmppNode) mixed = test_parse_element("<p xmlns='x'>one <b>two</b> three</p>");
  g_autofree char *mtext = xmpp_tap_format(mixed);
  g_assert_cmpstr(mtext, ==, "<p xmlns='x'>\n  one \n  <b>two</b>\n   three\n</p>");
  /* Very deep trees end on one line (no recursion past the indentation limit). */
  GString *deep = g_string_new(NULL);
  for (guint i = 0; i < 60; i++)
    g_string_append(deep, "<a>");
  g_string_append(deep, "x");
  for (guint i = 0; i < 60; i++)
    g_string_append(deep, "</a>");
  g_autoptr(XmppNode) dnode = test_parse_element(deep->str);
  g_autofree char *dtext = xmpp_tap_format(dnode);
  g_assert_nonnull(strstr(dtext, "x</a>"));
  g_string_free(deep, TRUE);
}

/* ---- disco#items (the service browser's) ---- */

static void
test_disco_items(void)
{
  g_autoptr(XmppNode) get = xmpp_disco_items_build_get("conference.example.test", "rooms");
  g_autofree char *get_text = xmpp_tap_format(get);
  g_assert_nonnull(strstr(get_text, "to='conference.example.test'"));
  g_assert_nonnull(strstr(get_text, "<query xmlns='http://jabber.org/protocol/disco#items' "
                                    "node='rooms'/>"));
  GString *xml =
      g_string_new("<iq type='result' from='example.test' id='i1'>"
                   "<query xmlns='http://jabber.org/protocol/disco#items'>"
                   "<item jid='conference.example.test' name='Chatrooms'/>"
                   "<item jid='example.test' node='http://jabber.org/protocol/commands'/>"
                   "<item name='no jid'/>"
                   "<item jid='bad jid with spaces'/>"
                   "<item jid='upload.example.test' name=''/>");
  g_string_append(xml, "<item jid='long.example.test' node='");
  for (guint i = 0; i <= XMPP_DISCO_MAX_STRING; i++)
    g_string_append_c(xml, 'n');
  g_string_append(xml, "'/></query></iq>");
  g_autoptr(XmppNode) iq = test_parse_element(xml->str);
  g_string_free(xml, TRUE);
  g_autoptr(XmppDiscoItems) items = xmpp_disco_items_parse(iq, NULL);
  g_assert_nonnull(items);
  g_assert_cmpuint(items->items->len, ==, 3);
  g_assert_cmpuint(items->dropped, ==, 3);
  XmppDiscoItem *first = items->items->pdata[0];
  g_assert_cmpstr(first->jid, ==, "conference.example.test");
  g_assert_cmpstr(first->name, ==, "Chatrooms");
  g_assert_null(first->node);
  XmppDiscoItem *second = items->items->pdata[1];
  g_assert_cmpstr(second->node, ==, "http://jabber.org/protocol/commands");
  g_assert_null(((XmppDiscoItem *)items->items->pdata[2])->name);

  /* Bounded: past XMPP_DISCO_MAX_ITEMS, counted, not kept. */
  GString *big = g_string_new("<iq type='result'><query "
                              "xmlns='http://jabber.org/protocol/disco#items'>");
  for (guint i = 0; i < XMPP_DISCO_MAX_ITEMS + 5; i++)
    g_string_append_printf(big, "<item jid='s%u.example.test'/>", i);
  g_string_append(big, "</query></iq>");
  g_autoptr(XmppNode) big_iq = test_parse_element(big->str);
  g_string_free(big, TRUE);
  g_autoptr(XmppDiscoItems) many = xmpp_disco_items_parse(big_iq, NULL);
  g_assert_cmpuint(many->items->len, ==, XMPP_DISCO_MAX_ITEMS);
  g_assert_cmpuint(many->dropped, ==, 5);

  /* No query: an error, never a crash. */
  g_autoptr(XmppNode) empty = test_parse_element("<iq type='result'/>");
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_disco_items_parse(empty, &error));
  g_assert_nonnull(error);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/session/console/login_redacted", test_login_redacted);
  g_test_add_func("/session/console/password_change_redacted", test_password_change_redacted);
  g_test_add_func("/session/console/raw_stanza_sent_and_answered",
                  test_raw_stanza_sent_and_answered);
  g_test_add_func("/session/console/tap_stops_from_inside", test_tap_stops_from_inside);
  g_test_add_func("/session/console/input_checks", test_input_checks);
  g_test_add_func("/session/console/redaction", test_redaction);
  g_test_add_func("/session/console/format", test_format);
  g_test_add_func("/session/console/disco_items", test_disco_items);
  return g_test_run();
}
