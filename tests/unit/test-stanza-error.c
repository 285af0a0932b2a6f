/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of stanza errors (RFC 6120 §8.3) and XmppStanza addressing. */
#include "parse-helper.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "xml/writer.h"

static void
test_names_round_trip(void)
{
  for (int c = XMPP_STANZA_ERROR_BAD_REQUEST; c <= XMPP_STANZA_ERROR_UNEXPECTED_REQUEST; c++) {
    const char *name = xmpp_stanza_error_condition_name(c);
    g_assert_cmpint(xmpp_stanza_error_condition_from_name(name), ==, c);
  }
  g_assert_cmpint(xmpp_stanza_error_condition_from_name("nonsense"), ==,
                  XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpint(xmpp_stanza_error_condition_from_name(NULL), ==,
                  XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpstr(xmpp_stanza_error_default_type(XMPP_STANZA_ERROR_BAD_REQUEST), ==, "modify");
  g_assert_cmpstr(xmpp_stanza_error_default_type(XMPP_STANZA_ERROR_FORBIDDEN), ==, "auth");
}

static void
test_parse_received(void)
{
  g_autoptr(XmppStanza) s = xmpp_stanza_new(test_parse_element(
      "<iq type='error' id='x' from='a@b/c'><error type='cancel'>"
      "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>No such item</text>"
      "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"));
  g_autoptr(GError) error = xmpp_stanza_error_from_stanza(s);
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_assert_nonnull(strstr(error->message, "No such item"));
}

/* T48: error stanzas missing parts never crash and give undefined-condition. */
static void
test_T48_malformed_errors(void)
{
  const char *cases[] = {
      "<iq type='error' id='x'/>",
      "<iq type='error' id='x'><error/></iq>",
      "<iq type='error' id='x'><error><bogus xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
      "</error></iq>",
      "<iq type='error' id='x'><error><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
      "</error></iq>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(XmppStanza) s = xmpp_stanza_new(test_parse_element(cases[i]));
    g_autoptr(GError) error = xmpp_stanza_error_from_stanza(s);
    g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  }
}

static void
test_text_capped(void)
{
  GString *xml = g_string_new("<message type='error'><error type='cancel'><text "
                              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>");
  for (int i = 0; i < 5000; i++)
    g_string_append(xml, "ü");
  g_string_append(xml, "</text></error></message>");
  g_autoptr(XmppStanza) s = xmpp_stanza_new(test_parse_element(xml->str));
  g_string_free(xml, TRUE);
  g_autoptr(GError) error = xmpp_stanza_error_from_stanza(s);
  g_assert_cmpuint(strlen(error->message), <=, XMPP_STANZA_ERROR_MAX_TEXT + 64);
  g_assert_true(g_utf8_validate(error->message, -1, NULL));
}

/* T54: the error reply carries only addressing and the condition, byte for byte. */
static void
test_T54_error_reply_exact(void)
{
  g_autoptr(XmppStanza) s = xmpp_stanza_new(
      test_parse_element("<iq type='get' id='a&amp;b' from='Ju&#x00e9;@example.test/r&lt;1'>"
                         "<query xmlns='urn:x'><secret>do not echo</secret></query></iq>"));
  g_autoptr(XmppNode) reply =
      xmpp_stanza_error_new_reply(s, XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
  g_autofree char *text = xmpp_xml_node_to_string(reply);
  g_assert_null(strstr(text, "secret"));
  g_autoptr(XmppStanza) back = xmpp_stanza_new(test_parse_element(text));
  g_assert_cmpstr(back->id, ==, "a&b");
  g_assert_cmpstr(xmpp_node_get_attr(back->node, "to"), ==, "Jué@example.test/r<1");
}

static void
test_addressing(void)
{
  g_autoptr(XmppStanza) s = xmpp_stanza_new(
      test_parse_element("<message from='Romeo@Example.Test/Orchard' to='@@bad' id='m1' "
                         "type='chat'><body>x</body></message>"));
  g_assert_cmpint(s->kind, ==, XMPP_STANZA_MESSAGE);
  g_assert_cmpstr(xmpp_jid_get_full(s->from), ==, "romeo@example.test/Orchard");
  g_assert_null(s->to);
  g_assert_true(s->to_invalid);
  g_assert_false(s->from_invalid);
  g_assert_cmpstr(s->id, ==, "m1");
  g_assert_cmpstr(s->type, ==, "chat");
  g_autoptr(XmppStanza) other = xmpp_stanza_new(test_parse_element("<r xmlns='urn:xmpp:sm:3'/>"));
  g_assert_cmpint(other->kind, ==, XMPP_STANZA_OTHER);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/stanza-error/names", test_names_round_trip);
  g_test_add_func("/stanza-error/parse", test_parse_received);
  g_test_add_func("/stanza-error/T48_malformed_errors", test_T48_malformed_errors);
  g_test_add_func("/stanza-error/text-capped", test_text_capped);
  g_test_add_func("/stanza-error/T54_error_reply_exact", test_T54_error_reply_exact);
  g_test_add_func("/stanza/addressing", test_addressing);
  return g_test_run();
}
