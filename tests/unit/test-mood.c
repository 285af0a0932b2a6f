/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the PEP personal data payloads: XEP-0107 mood, XEP-0172 nickname, XEP-0118 tune,
 * and the notification item helper. */
#include <string.h>

#include "parse-helper.h"
#include "services/mood.h"

static void
test_mood_names(void)
{
  const char *const *names = xmpp_mood_names();
  g_assert_cmpstr(names[0], ==, "afraid");
  g_assert_cmpuint(g_strv_length((char **)names), ==, 84);
  g_assert_true(xmpp_mood_is_valid("in_love"));
  g_assert_true(xmpp_mood_is_valid("worried"));
  g_assert_false(xmpp_mood_is_valid("text"));
  g_assert_false(xmpp_mood_is_valid("Happy"));
  g_assert_false(xmpp_mood_is_valid(NULL));
}

static void
test_mood_parse(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<mood xmlns='http://jabber.org/protocol/mood'><text>Yay, the mood spec has been "
      "approved!</text><happy/></mood>");
  g_autoptr(XmppMood) mood = xmpp_mood_parse(node);
  g_assert_cmpstr(mood->name, ==, "happy");
  g_assert_cmpstr(mood->text, ==, "Yay, the mood spec has been approved!");
  /* §2.2: empty: no mood. */
  g_autoptr(XmppNode) empty = test_parse_element("<mood xmlns='http://jabber.org/protocol/mood'/>");
  g_autoptr(XmppMood) none = xmpp_mood_parse(empty);
  g_assert_nonnull(none);
  g_assert_null(none->name);
  g_assert_null(none->text);
  /* Unknown values and foreign elements are not moods; a wrong namespace is nothing. */
  g_autoptr(XmppNode) odd = test_parse_element(
      "<mood xmlns='http://jabber.org/protocol/mood'><x xmlns='urn:other'/><gloomy/></mood>");
  g_autoptr(XmppMood) unknown = xmpp_mood_parse(odd);
  g_assert_null(unknown->name);
  g_autoptr(XmppNode) wrong = test_parse_element("<mood xmlns='urn:other'><happy/></mood>");
  g_assert_null(xmpp_mood_parse(wrong));
}

static void
test_mood_build(void)
{
  g_autoptr(XmppNode) mood = xmpp_mood_build("happy", "sunny");
  g_autoptr(XmppNode) expected = test_parse_element(
      "<mood xmlns='http://jabber.org/protocol/mood'><happy/><text>sunny</text></mood>");
  g_assert_true(xmpp_node_equal(mood, expected));
  g_autoptr(XmppNode) clear = xmpp_mood_build(NULL, "ignored");
  g_autoptr(XmppNode) expected_clear =
      test_parse_element("<mood xmlns='http://jabber.org/protocol/mood'/>");
  g_assert_true(xmpp_node_equal(clear, expected_clear));
  /* Round trip. */
  g_autoptr(XmppMood) parsed = xmpp_mood_parse(mood);
  g_assert_cmpstr(parsed->name, ==, "happy");
  g_assert_cmpstr(parsed->text, ==, "sunny");
}

/* T53: long texts are cut at a character boundary, never in the middle of one. */
static void
test_text_limit(void)
{
  GString *xml = g_string_new("<nick xmlns='http://jabber.org/protocol/nick'>");
  g_string_append_c(xml, 'a');
  for (guint i = 0; i < XMPP_MOOD_MAX_TEXT; i++)
    g_string_append(xml, "é");
  g_string_append(xml, "</nick>");
  g_autoptr(XmppNode) node = test_parse_element(xml->str);
  g_string_free(xml, TRUE);
  g_autofree char *nick = xmpp_nick_parse(node);
  g_assert_cmpuint(strlen(nick), <=, XMPP_MOOD_MAX_TEXT);
  g_assert_cmpuint(strlen(nick), ==, XMPP_MOOD_MAX_TEXT); /* 'a' + 511 two-byte characters */
  g_assert_true(g_utf8_validate(nick, -1, NULL));
  /* Positive twin: a short nick is kept whole. */
  g_autoptr(XmppNode) shortn =
      test_parse_element("<nick xmlns='http://jabber.org/protocol/nick'>Ju</nick>");
  g_autofree char *ju = xmpp_nick_parse(shortn);
  g_assert_cmpstr(ju, ==, "Ju");
}

static void
test_nick(void)
{
  g_autoptr(XmppNode) built = xmpp_nick_build("Romeo");
  g_autofree char *nick = xmpp_nick_parse(built);
  g_assert_cmpstr(nick, ==, "Romeo");
  g_autoptr(XmppNode) empty = xmpp_nick_build(NULL);
  g_assert_null(xmpp_nick_parse(empty));
  g_autoptr(XmppNode) wrong = test_parse_element("<nick xmlns='urn:other'>x</nick>");
  g_assert_null(xmpp_nick_parse(wrong));
}

static void
test_tune(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<tune xmlns='http://jabber.org/protocol/tune'><artist>Yes</artist><length>686</length>"
      "<rating>8</rating><source>Yessongs</source><title>Heart of the Sunrise</title>"
      "<track>3</track><uri>http://www.yesworld.com/lyrics/Fragile.html#9</uri></tune>");
  g_autoptr(XmppTune) tune = xmpp_tune_parse(node);
  g_assert_cmpstr(tune->artist, ==, "Yes");
  g_assert_cmpstr(tune->title, ==, "Heart of the Sunrise");
  g_assert_cmpstr(tune->source, ==, "Yessongs");
  g_assert_cmpstr(tune->track, ==, "3");
  g_assert_cmpstr(tune->uri, ==, "http://www.yesworld.com/lyrics/Fragile.html#9");
  g_assert_cmpint(tune->length, ==, 686);
  g_assert_false(xmpp_tune_is_empty(tune));
  /* §2: an empty <tune/> means nothing is playing; junk lengths are unknown. */
  g_autoptr(XmppNode) stop = test_parse_element("<tune xmlns='http://jabber.org/protocol/tune'/>");
  g_autoptr(XmppTune) stopped = xmpp_tune_parse(stop);
  g_assert_true(xmpp_tune_is_empty(stopped));
  g_autoptr(XmppNode) junk = test_parse_element(
      "<tune xmlns='http://jabber.org/protocol/tune'><length>-5</length></tune>");
  g_autoptr(XmppTune) j = xmpp_tune_parse(junk);
  g_assert_cmpint(j->length, ==, 0);
  g_autoptr(XmppNode) huge = test_parse_element(
      "<tune xmlns='http://jabber.org/protocol/tune'><length>99999999999999</length></tune>");
  g_autoptr(XmppTune) h = xmpp_tune_parse(huge);
  g_assert_cmpint(h->length, ==, 0);
  g_assert_null(xmpp_tune_parse(NULL));
}

static void
test_items_payload(void)
{
  g_autoptr(XmppNode) items = test_parse_element(
      "<items xmlns='http://jabber.org/protocol/pubsub#event' "
      "node='http://jabber.org/protocol/mood'><item id='a'><mood "
      "xmlns='http://jabber.org/protocol/mood'><sad/></mood></item><item id='b'><mood "
      "xmlns='http://jabber.org/protocol/mood'><happy/></mood></item></items>");
  gboolean retracted = TRUE;
  const XmppNode *mood = xmpp_mood_items_payload(items, XMPP_NS_MOOD, "mood", &retracted);
  g_assert_false(retracted);
  g_autoptr(XmppMood) m = xmpp_mood_parse(mood);
  g_assert_cmpstr(m->name, ==, "happy"); /* the last item is the current one */
  g_assert_null(xmpp_mood_items_payload(items, XMPP_NS_TUNE, "tune", NULL));
  g_autoptr(XmppNode) retract =
      test_parse_element("<items xmlns='http://jabber.org/protocol/pubsub#event' "
                         "node='http://jabber.org/protocol/mood'><retract id='current'/></items>");
  g_assert_null(xmpp_mood_items_payload(retract, XMPP_NS_MOOD, "mood", &retracted));
  g_assert_true(retracted);
}

static void
test_item_new(void)
{
  g_autoptr(XmppNode) item = xmpp_mood_item_new(xmpp_nick_build("Ju"));
  g_autoptr(XmppNode) expected =
      test_parse_element("<item xmlns='http://jabber.org/protocol/pubsub' id='current'><nick "
                         "xmlns='http://jabber.org/protocol/nick'>Ju</nick></item>");
  g_assert_true(xmpp_node_equal(item, expected));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/mood/names", test_mood_names);
  g_test_add_func("/mood/parse", test_mood_parse);
  g_test_add_func("/mood/build", test_mood_build);
  g_test_add_func("/mood/T53_text_limit", test_text_limit);
  g_test_add_func("/mood/nick", test_nick);
  g_test_add_func("/mood/tune", test_tune);
  g_test_add_func("/mood/items_payload", test_items_payload);
  g_test_add_func("/mood/item_new", test_item_new);
  return g_test_run();
}
