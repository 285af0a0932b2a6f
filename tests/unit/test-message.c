/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for im/message.c: parsing <message/>, language choice, safe markup, the module's
 * events (T45, T46), threads, what send_chat / send_typing put on the wire, XEP-0359 ids
 * (T41), receipts and markers as parsed, and XEP-0308 corrections (T72). */
#include "fake-host.h"
#include "im/message.h"
#include "im/xhtml.h"
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "xml/writer.h"

#include <string.h>

static XmppMessageInfo *
parse(const char *xml)
{
  XmppStanza *stanza = xmpp_stanza_new(test_parse_element(xml));
  XmppMessageInfo *info = xmpp_message_info_parse(stanza, 1790000000);
  xmpp_stanza_free(stanza);
  return info;
}

static void
test_parse_full(void)
{
  g_autoptr(XmppMessageInfo) info =
      parse("<message from='romeo@example.net/orchard' to='juliet@example.com/balcony' type='chat' "
            "id='m1' xml:lang='en'><body>Wherefore?</body><body xml:lang='cs'>Proč?</body>"
            "<subject>Question</subject><thread parent='p0'>t1</thread>"
            "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>"
            "<active xmlns='http://jabber.org/protocol/chatstates'/>"
            "<x xmlns='jabber:x:event'><composing/></x>"
            "<html xmlns='http://jabber.org/protocol/xhtml-im'><body "
            "xmlns='http://www.w3.org/1999/xhtml'><b>Wherefore?</b></body></html></message>");
  g_assert_cmpstr(xmpp_jid_get_full(info->from), ==, "romeo@example.net/orchard");
  g_assert_cmpstr(xmpp_jid_get_full(info->to), ==, "juliet@example.com/balcony");
  g_assert_cmpint(info->type, ==, XMPP_MESSAGE_CHAT);
  g_assert_cmpstr(info->id, ==, "m1");
  g_assert_cmpstr(info->lang, ==, "en");
  g_assert_cmpuint(info->bodies->len, ==, 2);
  XmppMessageText *b0 = info->bodies->pdata[0], *b1 = info->bodies->pdata[1];
  g_assert_cmpstr(b0->lang, ==, "en"); /* inherited */
  g_assert_cmpstr(b0->text, ==, "Wherefore?");
  g_assert_cmpstr(b1->lang, ==, "cs");
  g_assert_cmpuint(info->subjects->len, ==, 1);
  g_assert_cmpstr(info->thread, ==, "t1");
  g_assert_cmpstr(info->thread_parent, ==, "p0");
  g_assert_nonnull(info->delay);
  g_assert_cmpint(info->delay->stamp, ==, 1031699305);
  g_assert_cmpint(info->chat_state, ==, XMPP_CHAT_STATE_ACTIVE);
  g_assert_true(info->event.present && info->event.composing);
  g_assert_nonnull(info->html);
  g_assert_null(info->error);
  g_assert_false(info->forwarded);
}

static void
test_parse_types(void)
{
  static const struct {
    const char *type;
    XmppMessageType expect;
  } cases[] = {{"chat", XMPP_MESSAGE_CHAT},         {"normal", XMPP_MESSAGE_NORMAL},
               {"headline", XMPP_MESSAGE_HEADLINE}, {"groupchat", XMPP_MESSAGE_GROUPCHAT},
               {"error", XMPP_MESSAGE_ERROR},       {"bogus", XMPP_MESSAGE_NORMAL},
               {NULL, XMPP_MESSAGE_NORMAL}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *xml = cases[i].type ? g_strdup_printf("<message type='%s'/>", cases[i].type)
                              : g_strdup("<message/>");
    g_autoptr(XmppMessageInfo) info = parse(xml);
    g_assert_cmpint(info->type, ==, cases[i].expect);
    g_free(xml);
  }
  g_assert_cmpstr(xmpp_message_type_to_string(XMPP_MESSAGE_HEADLINE), ==, "headline");
}

static void
test_parse_error(void)
{
  g_autoptr(XmppMessageInfo) info =
      parse("<message from='nobody@example.com' type='error' id='x'><body>hello</body>"
            "<error type='cancel'><service-unavailable "
            "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
            "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>No such user</text></error></message>");
  g_assert_cmpint(info->type, ==, XMPP_MESSAGE_ERROR);
  g_assert_error(info->error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_nonnull(strstr(info->error->message, "No such user"));
}

static void
test_parse_limits(void)
{
  GString *xml = g_string_new("<message>");
  for (int i = 0; i < XMPP_MESSAGE_MAX_TEXTS + 5; i++)
    g_string_append_printf(xml, "<body xml:lang='l%d'>b</body>", i);
  GString *thread = g_string_new(NULL);
  for (int i = 0; i <= XMPP_MESSAGE_MAX_THREAD_ID; i++)
    g_string_append_c(thread, 't');
  g_string_append_printf(xml, "<thread>%s</thread></message>", thread->str);
  g_autoptr(XmppMessageInfo) info = parse(xml->str);
  g_assert_cmpuint(info->bodies->len, ==, XMPP_MESSAGE_MAX_TEXTS);
  g_assert_null(info->thread); /* too long to echo: dropped */
  g_string_free(xml, TRUE);
  g_string_free(thread, TRUE);
}

static const char *
chosen(const char *xml, const char *user_lang)
{
  static char buf[64];
  XmppMessageInfo *info = parse(xml);
  const XmppMessageText *t = xmpp_message_choose_text(info->bodies, user_lang, info->lang);
  g_strlcpy(buf, t != NULL ? t->text : "(none)", sizeof buf);
  xmpp_message_info_free(info);
  return buf;
}

/* RFC 6121 §5.2.3: the user's language, else the stanza's default, else the first. */
static void
test_language_choice(void)
{
  const char *multi = "<message xml:lang='de'><body xml:lang='en'>hello</body>"
                      "<body xml:lang='fr'>bonjour</body><body>hallo</body></message>";
  g_assert_cmpstr(chosen(multi, "fr"), ==, "bonjour");
  g_assert_cmpstr(chosen(multi, "FR"), ==, "bonjour");
  g_assert_cmpstr(chosen(multi, "fr-CA"), ==, "bonjour"); /* same primary subtag */
  g_assert_cmpstr(chosen(multi, "en-GB"), ==, "hello");
  g_assert_cmpstr(chosen(multi, "ja"), ==, "hallo"); /* stanza default (de) */
  g_assert_cmpstr(chosen(multi, NULL), ==, "hallo");
  const char *nodefault = "<message><body xml:lang='en'>hello</body>"
                          "<body xml:lang='fr'>bonjour</body></message>";
  g_assert_cmpstr(chosen(nodefault, "ja"), ==, "hello"); /* first */
  g_assert_cmpstr(chosen(nodefault, "fr"), ==, "bonjour");
  g_assert_cmpstr(chosen("<message/>", "fr"), ==, "(none)");
}

static char *
markup(const char *xml, const char *user_lang)
{
  XmppMessageInfo *info = parse(xml);
  char *m = xmpp_message_info_dup_markup(info, user_lang);
  xmpp_message_info_free(info);
  return m;
}

static void
test_markup(void)
{
  /* T50 twin at the message level: a plain body is escaped. */
  g_autofree char *plain =
      markup("<message><body>&lt;b&gt;x&lt;/b&gt; &amp;</body></message>", NULL);
  g_assert_cmpstr(plain, ==, "&lt;b&gt;x&lt;/b&gt; &amp;");
  /* XHTML wins when it has visible text, in the chosen language. */
  const char *both = "<message><body xml:lang='en'>hi</body><body xml:lang='fr'>salut</body>"
                     "<html xmlns='http://jabber.org/protocol/xhtml-im'>"
                     "<body xmlns='http://www.w3.org/1999/xhtml' xml:lang='en'><b>hi</b></body>"
                     "<body xmlns='http://www.w3.org/1999/xhtml' xml:lang='fr'><i>salut</i></body>"
                     "</html></message>";
  g_autofree char *en = markup(both, "en");
  g_assert_cmpstr(en, ==, "<b>hi</b>");
  g_autofree char *fr = markup(both, "fr");
  g_assert_cmpstr(fr, ==, "<i>salut</i>");
  /* XHTML with nothing visible left: the plain body. */
  g_autofree char *fallback =
      markup("<message><body>text</body><html xmlns='http://jabber.org/protocol/xhtml-im'><body "
             "xmlns='http://www.w3.org/1999/xhtml'><script>x</script></body></html></message>",
             NULL);
  g_assert_cmpstr(fallback, ==, "text");
  g_autofree char *none = markup("<message><subject>s</subject></message>", NULL);
  g_assert_null(none);
}

/* ---- the module ------------------------------------------------------------------------- */

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppMessages *messages;
  GPtrArray *sent; /* char* */
  GString *events;
} Fixture;

static void
capture_send(gpointer data, const XmppNode *node)
{
  Fixture *f = data;
  g_ptr_array_add(f->sent, xmpp_xml_node_to_string(node));
}

static void
ev_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  Fixture *f = data;
  g_string_append_printf(
      f->events, "received:%s:%s:%s:%s%s%s;", info->from ? xmpp_jid_get_full(info->from) : "-",
      xmpp_message_type_to_string(info->type), text ? text : "-", subject ? subject : "-",
      info->delay ? ":delayed" : "", info->forwarded ? ":forwarded" : "");
}

/* The XEP-0359/0308 view of the last received message. */
static char *last_replace, *last_stanza_id, *last_origin_id;

static void
ev_received_ids(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  ev_received(data, info, text, subject);
  g_free(last_replace);
  g_free(last_stanza_id);
  g_free(last_origin_id);
  last_replace = g_strdup(info->replace_id);
  last_stanza_id = g_strdup(info->stanza_id);
  last_origin_id = g_strdup(info->origin_id);
}

static void
ev_typing(gpointer data, const XmppJid *from, XmppChatState state)
{
  Fixture *f = data;
  const char *name = xmpp_chatstates_name(state);
  g_string_append_printf(f->events, "typing:%s:%s;", xmpp_jid_get_full(from), name);
}

static void
ev_error(gpointer data, const XmppMessageInfo *info)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "error:%s:%s;",
                         info->from ? xmpp_jid_get_full(info->from) : "-",
                         xmpp_stanza_error_condition_name(info->error->code));
}

static const XmppMessagesEvents fixture_events = {ev_received_ids, ev_typing, ev_error};

static void
fixture_setup(Fixture *f, gconstpointer unused)
{
  f->fake = fake_host_new();
  f->router = xmpp_router_new(&f->fake->host, capture_send, f);
  XmppJid *me = xmpp_jid_parse("juliet@example.com/balcony", NULL);
  xmpp_router_set_own_jid(f->router, me);
  xmpp_jid_free(me);
  f->messages = xmpp_messages_new(f->router, &f->fake->host);
  f->sent = g_ptr_array_new_with_free_func(g_free);
  f->events = g_string_new(NULL);
  xmpp_messages_set_events(f->messages, &fixture_events, f);
}

static void
fixture_teardown(Fixture *f, gconstpointer unused)
{
  xmpp_messages_free(f->messages);
  xmpp_router_free(f->router);
  fake_host_free(f->fake);
  g_ptr_array_unref(f->sent);
  g_string_free(f->events, TRUE);
  g_clear_pointer(&last_replace, g_free);
  g_clear_pointer(&last_stanza_id, g_free);
  g_clear_pointer(&last_origin_id, g_free);
}

static void
feed(Fixture *f, const char *xml)
{
  xmpp_router_dispatch(f->router, test_parse_element(xml));
}

static void
test_module_types(Fixture *f, gconstpointer unused)
{
  feed(f, "<message from='romeo@example.net/o' type='chat'><body>c</body></message>");
  feed(f, "<message from='romeo@example.net/o'><body>n</body><subject>s &amp; t</subject>"
          "</message>");
  feed(f, "<message from='news.example.com' type='headline'><body>h</body></message>");
  feed(f, "<message type='headline'><body>from server</body></message>");
  g_assert_cmpstr(f->events->str, ==,
                  "received:romeo@example.net/o:chat:c:-;"
                  "received:romeo@example.net/o:normal:n:s &amp; t;"
                  "received:news.example.com:headline:h:-;"
                  "received:-:headline:from server:-;");
}

/* T46: no room is joined, so groupchat messages are dropped. Twin: the same as chat shows. */
static void
test_T46_groupchat_not_joined(Fixture *f, gconstpointer unused)
{
  feed(f, "<message from='room@conference.example.com/romeo' type='groupchat'>"
          "<body>spoof</body><nick xmlns='http://jabber.org/protocol/nick'>juliet</nick>"
          "</message>");
  g_assert_cmpstr(f->events->str, ==, "");
  feed(f, "<message from='room@conference.example.com/romeo' type='chat'><body>pm</body>"
          "</message>");
  g_assert_cmpstr(f->events->str, ==, "received:room@conference.example.com/romeo:chat:pm:-;");
}

/* T45: a bare <forwarded/> is shown as from its outer sender, never as from the inner one. */
static void
test_T45_forwarded_not_unwrapped(Fixture *f, gconstpointer unused)
{
  feed(f, "<message from='evil@example.net/x' type='chat'>"
          "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
          "from='romeo@example.net/o' type='chat'><body>I am Romeo</body></message></forwarded>"
          "</message>");
  g_assert_cmpstr(f->events->str, ==, "received:evil@example.net/x:chat:-:-:forwarded;");
  g_assert_null(strstr(f->events->str, "romeo@"));
  g_string_truncate(f->events, 0);
  /* Twin: the outer body is what is shown, with the outer sender. */
  feed(f, "<message from='evil@example.net/x' type='chat'><body>look</body>"
          "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
          "from='romeo@example.net/o'><body>inner</body></message></forwarded></message>");
  g_assert_cmpstr(f->events->str, ==, "received:evil@example.net/x:chat:look:-:forwarded;");
  g_autoptr(XmppMessageInfo) info =
      parse("<message from='evil@example.net/x'><forwarded xmlns='urn:xmpp:forward:0'>"
            "<message xmlns='jabber:client' from='romeo@example.net/o'><body>inner</body>"
            "</message></forwarded></message>");
  g_assert_true(info->forwarded);
  g_assert_cmpstr(xmpp_jid_get_full(info->from), ==, "evil@example.net/x");
  g_assert_cmpuint(info->forwarded_bodies->len, ==, 1);
  g_assert_cmpuint(info->bodies->len, ==, 0);
}

static void
test_module_error_and_typing(Fixture *f, gconstpointer unused)
{
  feed(f, "<message from='nobody@example.com' type='error'><body>x</body><error "
          "type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
          "</message>");
  feed(f, "<message from='romeo@example.net/o' type='chat'>"
          "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
  feed(f, "<message from='romeo@example.net/o' type='chat'>"
          "<paused xmlns='http://jabber.org/protocol/chatstates'/></message>");
  /* XEP-0022 notification and its cancel. */
  feed(f, "<message from='old@example.net/o'><x xmlns='jabber:x:event'><composing/>"
          "<id>m1</id></x></message>");
  feed(f, "<message from='old@example.net/o'><x xmlns='jabber:x:event'><id>m1</id></x>"
          "</message>");
  /* A delayed (offline) state is old news: not shown. */
  feed(f, "<message from='romeo@example.net/o' type='chat'>"
          "<composing xmlns='http://jabber.org/protocol/chatstates'/>"
          "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>");
  /* An invalid from is dropped. */
  feed(f, "<message from='@@bad' type='chat'><body>x</body></message>");
  g_assert_cmpstr(f->events->str, ==,
                  "error:nobody@example.com:item-not-found;"
                  "typing:romeo@example.net/o:composing;typing:romeo@example.net/o:paused;"
                  "typing:old@example.net/o:composing;typing:old@example.net/o:active;");
}

static void
test_module_delayed(Fixture *f, gconstpointer unused)
{
  feed(f, "<message from='romeo@example.net/o' type='chat'><body>late</body>"
          "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>");
  g_assert_cmpstr(f->events->str, ==, "received:romeo@example.net/o:chat:late:-:delayed;");
}

static void
test_module_language(Fixture *f, gconstpointer unused)
{
  xmpp_messages_set_language(f->messages, "fr");
  feed(f, "<message from='r@example.net/o' type='chat'><body xml:lang='en'>hello</body>"
          "<body xml:lang='fr'>bonjour</body></message>");
  xmpp_messages_set_language(f->messages, NULL);
  feed(f, "<message from='r@example.net/o' type='chat' xml:lang='fr'><body xml:lang='en'>hello"
          "</body><body>bonjour</body></message>");
  g_assert_cmpstr(
      f->events->str, ==,
      "received:r@example.net/o:chat:bonjour:-;received:r@example.net/o:chat:bonjour:-;");
}

static void
test_send_link(Fixture *f, gconstpointer unused)
{
  g_assert_null(xmpp_messages_send_link(f->messages, "@@bad", "https://up.example/a"));
  g_autofree char *id =
      xmpp_messages_send_link(f->messages, "romeo@example.net", "https://up.example/a/rose.jpg");
  g_assert_nonnull(id);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_assert_nonnull(strstr(f->sent->pdata[0], "<body>https://up.example/a/rose.jpg</body>"));
  g_assert_nonnull(strstr(f->sent->pdata[0], "<x xmlns='jabber:x:oob'><url>"
                                             "https://up.example/a/rose.jpg</url></x>"));
  g_assert_nonnull(strstr(f->sent->pdata[0], "<origin-id xmlns='urn:xmpp:sid:0'"));
}

static void
test_send_chat(Fixture *f, gconstpointer unused)
{
  g_assert_null(xmpp_messages_send_chat(f->messages, "@@bad", "x", NULL));
  XmppNode *html = NULL;
  g_assert_true(xmpp_xhtml_build("<b>hi</b>", &html, NULL));
  g_autofree char *id =
      xmpp_messages_send_chat(f->messages, "romeo@example.net", "hi <there>", html);
  xmpp_node_free(html);
  g_assert_nonnull(id);
  g_assert_cmpuint(f->sent->len, ==, 1);
  g_autofree char *expect = g_strdup_printf(
      "<message to='romeo@example.net' type='chat' id='%s'><body>hi &lt;there&gt;</body>"
      "<html xmlns='http://jabber.org/protocol/xhtml-im'><body "
      "xmlns='http://www.w3.org/1999/xhtml'><strong>hi</strong></body></html><active "
      "xmlns='http://jabber.org/protocol/chatstates'/><x xmlns='jabber:x:event'><composing/>"
      "</x><origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>",
      id, id);
  g_assert_cmpstr(f->sent->pdata[0], ==, expect);
  /* Unknown support: no standalone typing yet. */
  xmpp_messages_send_typing(f->messages, "romeo@example.net", XMPP_CHAT_STATE_COMPOSING);
  g_assert_cmpuint(f->sent->len, ==, 1);

  /* The peer answers with a thread and a chat state: we echo the thread, send states. */
  feed(f, "<message from='romeo@example.net/o' type='chat'><body>yo</body><thread>T-9</thread>"
          "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
  g_assert_cmpstr(xmpp_messages_get_thread(f->messages, "romeo@example.net/other"), ==, "T-9");
  xmpp_messages_send_typing(f->messages, "romeo@example.net/o", XMPP_CHAT_STATE_COMPOSING);
  g_assert_cmpuint(f->sent->len, ==, 2);
  g_assert_nonnull(strstr(f->sent->pdata[1], "<composing"));
  g_autofree char *id2 = xmpp_messages_send_chat(f->messages, "romeo@example.net/o", "again", NULL);
  g_assert_nonnull(id2);
  g_assert_cmpuint(f->sent->len, ==, 3);
  const char *out = f->sent->pdata[2];
  g_assert_nonnull(strstr(out, "<thread>T-9</thread>"));
  g_assert_null(strstr(out, "xhtml-im")); /* plain text only: no XHTML */
  g_assert_null(strstr(out, "jabber:x:event"));
  xmpp_messages_forget(f->messages, "romeo@example.net");
  g_assert_null(xmpp_messages_get_thread(f->messages, "romeo@example.net"));
}

static void
test_thread_table_bounded(Fixture *f, gconstpointer unused)
{
  for (int i = 0; i < XMPP_MESSAGE_MAX_THREADS + 20; i++) {
    char *xml = g_strdup_printf("<message from='u%d@example.net/r' "
                                "type='chat'><body>b</body><thread>t%d</thread></message>",
                                i, i);
    feed(f, xml);
    g_free(xml);
  }
  guint known = 0;
  for (int i = 0; i < XMPP_MESSAGE_MAX_THREADS + 20; i++) {
    char *jid = g_strdup_printf("u%d@example.net", i);
    known += xmpp_messages_get_thread(f->messages, jid) != NULL;
    g_free(jid);
  }
  g_assert_cmpuint(known, ==, XMPP_MESSAGE_MAX_THREADS);
}

static void
test_parse_ids_receipts_markers(void)
{
  g_autoptr(XmppMessageInfo) info =
      parse("<message from='romeo@example.net/orchard' type='chat' id='m1'><body>b</body>"
            "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/>"
            "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='juliet@example.com'/>"
            "<request xmlns='urn:xmpp:receipts'/><received xmlns='urn:xmpp:receipts' id='r1'/>"
            "<markable xmlns='urn:xmpp:chat-markers:0'/>"
            "<displayed xmlns='urn:xmpp:chat-markers:0' id='d1'/>"
            "<replace xmlns='urn:xmpp:message-correct:0' id='x1'/></message>");
  g_assert_cmpstr(info->origin_id, ==, "o1");
  g_assert_null(info->stanza_id); /* never from the parse: only a module that trusts it */
  g_assert_true(info->receipt_request);
  g_assert_cmpstr(info->receipt_id, ==, "r1");
  g_assert_true(info->markable);
  g_assert_cmpint(info->marker, ==, XMPP_MARKER_DISPLAYED);
  g_assert_cmpstr(info->marker_id, ==, "d1");
  g_assert_cmpstr(info->replace_id, ==, "x1");
  g_assert_cmpstr(xmpp_marker_name(XMPP_MARKER_ACKNOWLEDGED), ==, "acknowledged");
  g_assert_null(xmpp_marker_name(XMPP_MARKER_NONE));

  /* Ids that are empty, missing or too long are not kept; a marker without an id is none. */
  g_autofree char *long_id = g_strnfill(XMPP_MESSAGE_MAX_ID + 1, 'a');
  g_autofree char *xml = g_strdup_printf(
      "<message><origin-id xmlns='urn:xmpp:sid:0' id=''/><received xmlns='urn:xmpp:receipts'/>"
      "<received xmlns='urn:xmpp:chat-markers:0'/><replace xmlns='urn:xmpp:message-correct:0' "
      "id='%s'/></message>",
      long_id);
  g_autoptr(XmppMessageInfo) bad = parse(xml);
  g_assert_null(bad->origin_id);
  g_assert_null(bad->receipt_id);
  g_assert_cmpint(bad->marker, ==, XMPP_MARKER_NONE);
  g_assert_null(bad->marker_id);
  g_assert_null(bad->replace_id);
  g_assert_false(bad->receipt_request || bad->markable);
}

/* XEP-0359 §5: only the stanza-id whose by is exactly our bare JID counts. */
static void
test_stanza_id_by(void)
{
  g_autoptr(XmppJid) me = xmpp_jid_parse("juliet@example.com/balcony", NULL);
  g_autoptr(XmppNode) node = test_parse_element(
      "<message><stanza-id xmlns='urn:xmpp:sid:0' id='a' by='romeo@example.net'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='b' by='juliet@example.com/balcony'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='c'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='d' by='example.com'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='' by='juliet@example.com'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='e' by='JULIET@example.com'/></message>");
  g_autofree char *id = xmpp_message_dup_stanza_id(node, me);
  g_assert_cmpstr(id, ==, "e"); /* the JID compares normalised */
  g_autoptr(XmppNode) none = test_parse_element(
      "<message><stanza-id xmlns='urn:xmpp:sid:0' id='a' by='romeo@example.net'/></message>");
  g_assert_null(xmpp_message_dup_stanza_id(none, me));
}

#define STANZA_ID_BY_US                                                                            \
  "<message from='romeo@example.net/o' type='chat' id='m1'><body>b</body>"                         \
  "<stanza-id xmlns='urn:xmpp:sid:0' id='arch-1' by='juliet@example.com'/>"                        \
  "<origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>"

/* T41: a stanza-id is not trusted while our server has not said it offers XEP-0359 (it would
 * not strip a forged one), nor when by is anyone else. */
static void
test_T41_stanza_id_untrusted(Fixture *f, gconstpointer unused)
{
  feed(f, STANZA_ID_BY_US);
  g_assert_null(last_stanza_id);
  g_assert_cmpstr(last_origin_id, ==, "o-1");
  xmpp_messages_set_stanza_ids_trusted(f->messages, TRUE);
  feed(f, "<message from='romeo@example.net/o' type='chat'><body>b</body>"
          "<stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='romeo@example.net'/></message>");
  g_assert_null(last_stanza_id);
}

/* T41's positive twin: by our bare JID, our server vouching. */
static void
test_T41_stanza_id_trusted(Fixture *f, gconstpointer unused)
{
  xmpp_messages_set_stanza_ids_trusted(f->messages, TRUE);
  feed(f, STANZA_ID_BY_US);
  g_assert_cmpstr(last_stanza_id, ==, "arch-1");
}

#define FROM_ORCHARD(id, body, extra)                                                              \
  "<message from='romeo@example.net/orchard' type='chat' id='" id "'><body>" body "</body>" extra  \
  "</message>"
#define REPLACE(id) "<replace xmlns='urn:xmpp:message-correct:0' id='" id "'/>"

/* T72: a correction from the same full JID as the original is one; shown with replace_id. */
static void
test_T72_correction_same_sender(Fixture *f, gconstpointer unused)
{
  feed(f, FROM_ORCHARD("m1", "helo", ""));
  g_assert_null(last_replace);
  feed(f, FROM_ORCHARD("m2", "hello", REPLACE("m1")));
  g_assert_cmpstr(last_replace, ==, "m1");
  /* XEP-0308 §5: a second correction names the original again. */
  feed(f, FROM_ORCHARD("m3", "hello!", REPLACE("m1")));
  g_assert_cmpstr(last_replace, ==, "m1");
  g_assert_cmpstr(f->events->str, ==,
                  "received:romeo@example.net/orchard:chat:helo:-;"
                  "received:romeo@example.net/orchard:chat:hello:-;"
                  "received:romeo@example.net/orchard:chat:hello!:-;");
}

/* T72: from another resource of the same contact, another contact, or naming an id nobody
 * sent: an ordinary new message, never a correction. */
static void
test_T72_correction_other_sender(Fixture *f, gconstpointer unused)
{
  feed(f, FROM_ORCHARD("m1", "meet at noon", ""));
  feed(f, "<message from='romeo@example.net/balcony' type='chat' id='x1'><body>meet at dawn"
          "</body>" REPLACE("m1") "</message>");
  g_assert_null(last_replace);
  feed(f, "<message from='tybalt@example.net/orchard' type='chat' id='x2'><body>meet at dusk"
          "</body>" REPLACE("m1") "</message>");
  g_assert_null(last_replace);
  feed(f, FROM_ORCHARD("x3", "what?", REPLACE("nope")));
  g_assert_null(last_replace);
  /* A message cannot name itself. */
  feed(f, FROM_ORCHARD("x4", "self", REPLACE("x4")));
  g_assert_null(last_replace);
  g_assert_cmpuint(strlen(f->events->str), >, 0);
  g_assert_nonnull(strstr(f->events->str, "tybalt@example.net/orchard:chat:meet at dusk"));
}

/* The ids a correction may name are bounded per conversation and by conversations. */
static void
test_correction_tables_bounded(Fixture *f, gconstpointer unused)
{
  for (int i = 0; i < XMPP_MESSAGE_MAX_RECENT + 1; i++) {
    g_autofree char *xml = g_strdup_printf(
        "<message from='romeo@example.net/orchard' type='chat' id='k%d'><body>b</body></message>",
        i);
    feed(f, xml);
  }
  feed(f, FROM_ORCHARD("y", "c", REPLACE("k0"))); /* the oldest was forgotten */
  g_assert_null(last_replace);
  feed(f, FROM_ORCHARD("z", "c", REPLACE("k2")));
  g_assert_cmpstr(last_replace, ==, "k2");
  for (int i = 0; i < XMPP_MESSAGE_MAX_PEERS + 10; i++) {
    g_autofree char *xml =
        g_strdup_printf("<message from='u%d@example.net/r' type='chat' id='i'><body>b</body>"
                        "</message>",
                        i);
    feed(f, xml);
  }
  guint known = 0;
  for (int i = 0; i < XMPP_MESSAGE_MAX_PEERS + 10; i++) {
    g_autofree char *xml = g_strdup_printf("<message from='u%d@example.net/r' type='chat' "
                                           "id='j'><body>b</body>" REPLACE("i") "</message>",
                                           i);
    feed(f, xml);
    known += last_replace != NULL;
  }
  g_assert_cmpuint(known, <=, XMPP_MESSAGE_MAX_PEERS);
  g_assert_cmpuint(known, >, 0);
}

/* /correct: a new message with a new id and origin-id that names the original, also the second
 * time; nothing without a message to correct. */
static void
test_send_correction(Fixture *f, gconstpointer unused)
{
  g_assert_null(xmpp_messages_send_correction(f->messages, "romeo@example.net", "x", NULL));
  g_assert_cmpuint(f->sent->len, ==, 0);
  g_autofree char *id = xmpp_messages_send_chat(f->messages, "romeo@example.net", "helo", NULL);
  g_assert_cmpstr(xmpp_messages_get_last_sent_id(f->messages, "romeo@example.net/x"), ==, id);
  g_autofree char *c1 =
      xmpp_messages_send_correction(f->messages, "romeo@example.net", "hello", NULL);
  g_autofree char *c2 =
      xmpp_messages_send_correction(f->messages, "romeo@example.net", "hello!", NULL);
  g_assert_nonnull(c1);
  g_assert_cmpstr(c1, !=, id);
  g_assert_cmpuint(f->sent->len, ==, 3);
  g_autofree char *expect1 =
      g_strdup_printf("<replace xmlns='urn:xmpp:message-correct:0' id='%s'/>", id);
  g_autofree char *origin = g_strdup_printf("<origin-id xmlns='urn:xmpp:sid:0' id='%s'/>", c1);
  g_assert_nonnull(strstr(f->sent->pdata[1], expect1));
  g_assert_nonnull(strstr(f->sent->pdata[1], origin));
  g_assert_nonnull(strstr(f->sent->pdata[1], "<body>hello</body>"));
  g_assert_nonnull(strstr(f->sent->pdata[2], expect1));
  xmpp_messages_forget(f->messages, "romeo@example.net");
  g_assert_null(xmpp_messages_send_correction(f->messages, "romeo@example.net", "x", NULL));
}

static void
decorate_mark(gpointer data, XmppNode *message, const XmppJid *to)
{
  xmpp_node_set_attr(message, "decorated", xmpp_jid_get_bare(to));
}

static void
test_send_decorated(Fixture *f, gconstpointer unused)
{
  xmpp_messages_set_decorator(f->messages, decorate_mark, NULL);
  g_free(xmpp_messages_send_chat(f->messages, "romeo@example.net/o", "hi", NULL));
  g_assert_nonnull(strstr(f->sent->pdata[0], "decorated='romeo@example.net'"));
  xmpp_messages_set_decorator(f->messages, NULL, NULL);
  g_free(xmpp_messages_send_chat(f->messages, "romeo@example.net/o", "hi", NULL));
  g_assert_null(strstr(f->sent->pdata[1], "decorated"));
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/message/parse/full", test_parse_full);
  g_test_add_func("/message/parse/types", test_parse_types);
  g_test_add_func("/message/parse/error", test_parse_error);
  g_test_add_func("/message/parse/limits", test_parse_limits);
  g_test_add_func("/message/language/choice", test_language_choice);
  g_test_add_func("/message/markup/choice", test_markup);
  ADD("/message/module/types", test_module_types);
  ADD("/message/module/T46_groupchat_not_joined", test_T46_groupchat_not_joined);
  ADD("/message/module/T45_forwarded_not_unwrapped", test_T45_forwarded_not_unwrapped);
  ADD("/message/module/error-and-typing", test_module_error_and_typing);
  ADD("/message/module/delayed", test_module_delayed);
  ADD("/message/module/language", test_module_language);
  ADD("/message/send/chat", test_send_chat);
  ADD("/message/send/link", test_send_link);
  ADD("/message/module/threads-bounded", test_thread_table_bounded);
  g_test_add_func("/message/parse/ids-receipts-markers", test_parse_ids_receipts_markers);
  g_test_add_func("/message/parse/stanza-id-by", test_stanza_id_by);
  ADD("/message/module/T41_stanza_id_untrusted", test_T41_stanza_id_untrusted);
  ADD("/message/module/T41_stanza_id_trusted", test_T41_stanza_id_trusted);
  ADD("/message/module/T72_correction_same_sender", test_T72_correction_same_sender);
  ADD("/message/module/T72_correction_other_sender", test_T72_correction_other_sender);
  ADD("/message/module/correction-tables-bounded", test_correction_tables_bounded);
  ADD("/message/send/correction", test_send_correction);
  ADD("/message/send/decorated", test_send_decorated);
  return g_test_run();
}
