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

#define NS_ERR "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"

static XmppStanzaErrorInfo *
parse_info(const char *xml)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  return xmpp_stanza_error_info_parse(node);
}

static void
test_type_names(void)
{
  for (int t = XMPP_STANZA_ERROR_TYPE_CANCEL; t <= XMPP_STANZA_ERROR_TYPE_WAIT; t++) {
    XmppStanzaErrorType back = 99;
    g_assert_true(xmpp_stanza_error_type_from_name(xmpp_stanza_error_type_name(t), &back));
    g_assert_cmpint(back, ==, t);
  }
  XmppStanzaErrorType type = XMPP_STANZA_ERROR_TYPE_AUTH;
  g_assert_false(xmpp_stanza_error_type_from_name("Cancel", &type));
  g_assert_false(xmpp_stanza_error_type_from_name("", &type));
  g_assert_false(xmpp_stanza_error_type_from_name(NULL, &type));
  g_assert_cmpint(type, ==, XMPP_STANZA_ERROR_TYPE_AUTH);
  g_assert_cmpstr(xmpp_stanza_error_type_name(42), ==, "cancel");
}

/* Everything RFC 6120 §8.3.2 puts in an <error/>, parsed once. */
static void
test_info_parse_full(void)
{
  g_autoptr(XmppStanzaErrorInfo) info = parse_info(
      "<iq type='error' id='x' from='a@b/c'><error type='modify' by='Capulet.Example/Balcony'>"
      "<bad-request " NS_ERR "/><text " NS_ERR " xml:lang='en'>  Missing field  </text>"
      "<text " NS_ERR " xml:lang='fr'>Champ manquant</text>"
      "<bad-payload xmlns='http://jabber.org/protocol/commands'/>"
      "<other xmlns='urn:example:second'/></error></iq>");
  g_assert_cmpint(info->condition, ==, XMPP_STANZA_ERROR_BAD_REQUEST);
  g_assert_cmpint(info->type, ==, XMPP_STANZA_ERROR_TYPE_MODIFY);
  g_assert_cmpstr(info->text, ==, "Missing field"); /* the first, blanks removed */
  g_assert_cmpstr(info->by, ==, "capulet.example/Balcony");
  g_assert_cmpstr(info->app_ns, ==, "http://jabber.org/protocol/commands");
  g_assert_cmpstr(info->app_name, ==, "bad-payload");
  /* The copy is deep and equal. */
  g_autoptr(XmppStanzaErrorInfo) copy = xmpp_stanza_error_info_copy(info);
  g_assert_true(copy->text != info->text);
  g_assert_cmpstr(copy->text, ==, info->text);
  g_assert_cmpstr(copy->by, ==, info->by);
  g_assert_cmpstr(copy->app_ns, ==, info->app_ns);
  g_assert_cmpstr(copy->app_name, ==, info->app_name);
  g_assert_cmpint(copy->type, ==, info->type);
  g_assert_null(xmpp_stanza_error_info_copy(NULL));
  xmpp_stanza_error_info_free(NULL);
}

/* The type: as sent when it is one of the five, else the condition's default. */
static void
test_info_type(void)
{
  const struct {
    const char *error;
    XmppStanzaErrorType want;
  } cases[] = {
      {"<error type='wait'><item-not-found " NS_ERR "/></error>", XMPP_STANZA_ERROR_TYPE_WAIT},
      {"<error type='continue'><item-not-found " NS_ERR "/></error>",
       XMPP_STANZA_ERROR_TYPE_CONTINUE},
      /* Absent, unknown or wrongly cased: the default of the condition (§8.3.3). */
      {"<error><item-not-found " NS_ERR "/></error>", XMPP_STANZA_ERROR_TYPE_CANCEL},
      {"<error type='later'><resource-constraint " NS_ERR "/></error>",
       XMPP_STANZA_ERROR_TYPE_WAIT},
      {"<error type='AUTH'><bad-request " NS_ERR "/></error>", XMPP_STANZA_ERROR_TYPE_MODIFY},
      {"<error type=''><forbidden " NS_ERR "/></error>", XMPP_STANZA_ERROR_TYPE_AUTH},
      {"<error/>", XMPP_STANZA_ERROR_TYPE_CANCEL},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml = g_strdup_printf("<message type='error'>%s</message>", cases[i].error);
    g_autoptr(XmppStanzaErrorInfo) info = parse_info(xml);
    g_assert_cmpint(info->type, ==, cases[i].want);
  }
}

/* T48: junk around the parts gives no text, no by and no application condition. */
static void
test_info_junk(void)
{
  /* No <error/> at all, or an <error/> in another namespace. */
  g_autoptr(XmppStanzaErrorInfo) none = parse_info("<iq type='error' id='x'/>");
  g_assert_cmpint(none->condition, ==, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpint(none->type, ==, XMPP_STANZA_ERROR_TYPE_CANCEL);
  g_assert_null(none->text);
  g_assert_null(none->by);
  g_assert_null(none->app_ns);
  g_assert_null(none->app_name);
  g_autoptr(XmppStanzaErrorInfo) other_ns = parse_info(
      "<iq type='error' id='x'><error xmlns='urn:x'><forbidden " NS_ERR "/></error></iq>");
  g_assert_cmpint(other_ns->condition, ==, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_autoptr(XmppStanzaErrorInfo) no_stanza = xmpp_stanza_error_info_parse(NULL);
  g_assert_cmpint(no_stanza->condition, ==, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  /* A blank text is none; an invalid 'by' is dropped; its valid twin is kept. */
  g_autoptr(XmppStanzaErrorInfo) blank =
      parse_info("<iq type='error' id='x'><error type='cancel' by='@@bad'><conflict " NS_ERR
                 "/><text " NS_ERR ">  \n </text></error></iq>");
  g_assert_cmpint(blank->condition, ==, XMPP_STANZA_ERROR_CONFLICT);
  g_assert_null(blank->text);
  g_assert_null(blank->by);
  g_autoptr(XmppStanzaErrorInfo) good_by =
      parse_info("<iq type='error' id='x'><error type='cancel' by='example.test'><conflict " NS_ERR
                 "/></error></iq>");
  g_assert_cmpstr(good_by->by, ==, "example.test");
  /* An unknown condition leaves room for a known one after it. */
  g_autoptr(XmppStanzaErrorInfo) later = parse_info("<iq type='error' id='x'><error><bogus " NS_ERR
                                                    "/><gone " NS_ERR "/></error></iq>");
  g_assert_cmpint(later->condition, ==, XMPP_STANZA_ERROR_GONE);
  /* An absurdly long application condition is dropped; the next short one is kept. */
  GString *xml = g_string_new("<iq type='error' id='x'><error><not-allowed " NS_ERR "/><");
  for (int i = 0; i < XMPP_STANZA_ERROR_MAX_APP_NAME + 1; i++)
    g_string_append_c(xml, 'a');
  g_string_append(xml, " xmlns='urn:app'/><short xmlns='urn:app'/></error></iq>");
  g_autoptr(XmppStanzaErrorInfo) long_app = parse_info(xml->str);
  g_string_free(xml, TRUE);
  g_assert_cmpstr(long_app->app_name, ==, "short");
  g_assert_cmpstr(long_app->app_ns, ==, "urn:app");
}

/* T12/T33: the server's text is capped on a character boundary and valid UTF-8. */
static void
test_info_text_capped(void)
{
  GString *xml = g_string_new("<message type='error'><error type='cancel'><text " NS_ERR ">");
  for (int i = 0; i < 5000; i++)
    g_string_append(xml, "ü");
  g_string_append(xml, "</text></error></message>");
  g_autoptr(XmppStanzaErrorInfo) info = parse_info(xml->str);
  g_string_free(xml, TRUE);
  g_assert_nonnull(info->text);
  g_assert_cmpuint(strlen(info->text), <=, XMPP_STANZA_ERROR_MAX_TEXT);
  g_assert_cmpuint(strlen(info->text), >=, XMPP_STANZA_ERROR_MAX_TEXT - 1);
  g_assert_true(g_utf8_validate(info->text, -1, NULL));
  /* Its twin: a short text is kept whole. */
  g_autoptr(XmppStanzaErrorInfo) short_text =
      parse_info("<message type='error'><error type='cancel'><text " NS_ERR
                 ">\xc3\xbc</text></error></message>");
  g_assert_cmpstr(short_text->text, ==, "\xc3\xbc");
}

/* The info travels with the GError: through copies, and not on errors no stanza caused. */
static void
test_info_gerror(void)
{
  g_autoptr(XmppStanza) s = xmpp_stanza_new(
      test_parse_element("<iq type='error' id='x' from='a@b/c'><error type='auth'>"
                         "<not-authorized " NS_ERR "/><text " NS_ERR ">Log in first</text>"
                         "</error></iq>"));
  g_autoptr(GError) error = xmpp_stanza_error_from_stanza(s);
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_AUTHORIZED);
  g_assert_cmpstr(error->message, ==, "not-authorized (Log in first)");
  const XmppStanzaErrorInfo *info = xmpp_stanza_error_info_from_gerror(error);
  g_assert_nonnull(info);
  g_assert_cmpint(info->condition, ==, XMPP_STANZA_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint(info->type, ==, XMPP_STANZA_ERROR_TYPE_AUTH);
  g_assert_cmpstr(info->text, ==, "Log in first");
  /* g_error_copy copies the info (a module that keeps the error keeps its info). */
  GError *copy = g_error_copy(error);
  const XmppStanzaErrorInfo *copied = xmpp_stanza_error_info_from_gerror(copy);
  g_assert_nonnull(copied);
  g_assert_true(copied != info);
  g_assert_cmpstr(copied->text, ==, "Log in first");
  g_error_free(copy);
  g_assert_cmpstr(xmpp_stanza_error_info_from_gerror(error)->text, ==, "Log in first");
  /* An error the core made itself carries none; nor does another domain, nor NULL. */
  g_autoptr(GError) local =
      g_error_new_literal(XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "malformed answer");
  g_assert_null(xmpp_stanza_error_info_from_gerror(local));
  g_autoptr(GError) local_copy = g_error_copy(local);
  g_assert_null(xmpp_stanza_error_info_from_gerror(local_copy));
  g_autoptr(GError) other = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_FAILED, "x");
  g_assert_null(xmpp_stanza_error_info_from_gerror(other));
  g_assert_null(xmpp_stanza_error_info_from_gerror(NULL));
  /* An info without text gives the bare condition name as the message. */
  XmppStanzaErrorInfo bare = {.condition = XMPP_STANZA_ERROR_GONE,
                              .type = XMPP_STANZA_ERROR_TYPE_CANCEL};
  g_autoptr(GError) from_bare = xmpp_stanza_error_info_to_gerror(&bare);
  g_assert_cmpstr(from_bare->message, ==, "gone");
  g_assert_cmpint(xmpp_stanza_error_info_from_gerror(from_bare)->condition, ==,
                  XMPP_STANZA_ERROR_GONE);
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
  g_test_add_func("/stanza-error/type-names", test_type_names);
  g_test_add_func("/stanza-error/info/parse-full", test_info_parse_full);
  g_test_add_func("/stanza-error/info/type", test_info_type);
  g_test_add_func("/stanza-error/info/T48_junk", test_info_junk);
  g_test_add_func("/stanza-error/info/text-capped", test_info_text_capped);
  g_test_add_func("/stanza-error/info/gerror", test_info_gerror);
  g_test_add_func("/stanza/addressing", test_addressing);
  return g_test_run();
}
