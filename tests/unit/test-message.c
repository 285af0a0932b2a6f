/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for im/message.c: parsing <message/>, language choice, safe markup, the module's
 * events (T45, T46), threads, and what send_chat / send_typing put on the wire. */
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

static const XmppMessagesEvents fixture_events = {ev_received, ev_typing, ev_error};

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
      "</x></message>",
      id);
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
  ADD("/message/module/threads-bounded", test_thread_table_bounded);
  return g_test_run();
}
