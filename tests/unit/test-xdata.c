/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the XEP-0004 model: every field type parsed and built back, required fields,
 * options, defaults, results, CAPTCHA media from BoB (T51) and the limits. */
#include <string.h>

#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/xdata.h"

#define FORM_ALL                                                                                   \
  "<x xmlns='jabber:x:data' type='form'><title>Bot</title><instructions>Fill</instructions>"       \
  "<field type='hidden' var='FORM_TYPE'><value>urn:test</value></field>"                           \
  "<field type='fixed'><value>Section</value></field>"                                             \
  "<field type='text-single' var='name' label='Name'><required/><value>Ann</value></field>"        \
  "<field var='untyped'/>"                                                                         \
  "<field type='text-private' var='pw'/>"                                                          \
  "<field type='text-multi' var='about'><value>a</value><value>b</value></field>"                  \
  "<field type='boolean' var='public'><value>1</value><desc>Shown</desc></field>"                  \
  "<field type='list-single' var='color'><value>g</value>"                                         \
  "<option label='Red'><value>r</value></option><option><value>g</value></option></field>"         \
  "<field type='list-multi' var='tags'><value>x</value><value>z</value>"                           \
  "<option label='X'><value>x</value></option><option label='Y'><value>y</value></option>"         \
  "<option label='Z'><value>z</value></option></field>"                                            \
  "<field type='jid-single' var='owner'><value>a@b.c</value></field>"                              \
  "<field type='jid-multi' var='admins'><value>a@b.c</value><value>d@e.f</value></field>"          \
  "<field type='unknown-type' var='odd'/>"                                                         \
  "</x>"

static XmppXdataForm *
parse_ok(const char *xml)
{
  g_autoptr(XmppNode) x = test_parse_element(xml);
  g_autoptr(GError) error = NULL;
  XmppXdataForm *form = xmpp_xdata_form_parse(x, NULL, &error);
  g_assert_no_error(error);
  g_assert_nonnull(form);
  return form;
}

static void
test_parse_all_types(void)
{
  g_autoptr(XmppXdataForm) form = parse_ok(FORM_ALL);
  g_assert_cmpint(form->type, ==, XMPP_XDATA_FORM);
  g_assert_cmpstr(form->title, ==, "Bot");
  g_assert_cmpstr(form->instructions->pdata[0], ==, "Fill");
  g_assert_cmpuint(form->fields->len, ==, 12);
  static const XmppXdataFieldType types[] = {
      XMPP_XDATA_FIELD_HIDDEN,      XMPP_XDATA_FIELD_FIXED,        XMPP_XDATA_FIELD_TEXT_SINGLE,
      XMPP_XDATA_FIELD_TEXT_SINGLE, XMPP_XDATA_FIELD_TEXT_PRIVATE, XMPP_XDATA_FIELD_TEXT_MULTI,
      XMPP_XDATA_FIELD_BOOLEAN,     XMPP_XDATA_FIELD_LIST_SINGLE,  XMPP_XDATA_FIELD_LIST_MULTI,
      XMPP_XDATA_FIELD_JID_SINGLE,  XMPP_XDATA_FIELD_JID_MULTI,    XMPP_XDATA_FIELD_TEXT_SINGLE,
  };
  for (guint i = 0; i < G_N_ELEMENTS(types); i++)
    g_assert_cmpint(((XmppXdataField *)form->fields->pdata[i])->type, ==, types[i]);
  g_assert_cmpstr(xmpp_xdata_form_get_form_type(form), ==, "urn:test");
  XmppXdataField *name = xmpp_xdata_form_get_field(form, "name");
  g_assert_true(name->required);
  g_assert_cmpstr(name->label, ==, "Name");
  g_assert_cmpstr(xmpp_xdata_field_get_value(name), ==, "Ann");
  g_assert_true(xmpp_xdata_field_get_bool(xmpp_xdata_form_get_field(form, "public")));
  g_assert_cmpstr(xmpp_xdata_form_get_field(form, "public")->desc, ==, "Shown");
  XmppXdataField *color = xmpp_xdata_form_get_field(form, "color");
  g_assert_cmpuint(color->options->len, ==, 2);
  g_assert_cmpstr(((XmppXdataOption *)color->options->pdata[0])->label, ==, "Red");
  g_assert_null(((XmppXdataOption *)color->options->pdata[1])->label);
  g_assert_cmpuint(xmpp_xdata_form_get_field(form, "tags")->values->len, ==, 2);
  g_assert_cmpuint(xmpp_xdata_form_get_field(form, "admins")->values->len, ==, 2);
  g_assert_cmpint(xmpp_xdata_form_get_field(form, "odd")->type, ==, XMPP_XDATA_FIELD_TEXT_SINGLE);
}

/* Building the form again and parsing it gives the same model. */
static void
test_round_trip(void)
{
  g_autoptr(XmppXdataForm) form = parse_ok(FORM_ALL);
  g_autoptr(XmppNode) node = xmpp_xdata_form_to_node(form);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppXdataForm) again = xmpp_xdata_form_parse(node, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(again->fields->len, ==, form->fields->len);
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *a = form->fields->pdata[i], *b = again->fields->pdata[i];
    g_assert_cmpint(a->type, ==, b->type);
    g_assert_cmpstr(a->var, ==, b->var);
    g_assert_cmpuint(a->values->len, ==, b->values->len);
    g_assert_cmpuint(a->options->len, ==, b->options->len);
    g_assert_cmpint(a->required, ==, b->required);
  }
}

/* XEP-0004 §3.4: a submission has type submit, vars and values only, no fixed fields. */
static void
test_build_submit(void)
{
  g_autoptr(XmppXdataForm) form = parse_ok(FORM_ALL);
  xmpp_xdata_field_set_value(xmpp_xdata_form_get_field(form, "pw"), "secret");
  g_autoptr(XmppNode) x = xmpp_xdata_form_build_submit(form);
  g_assert_cmpstr(xmpp_node_get_attr(x, "type"), ==, "submit");
  g_assert_null(xmpp_node_get_child(x, XMPP_NS_XDATA, "title"));
  guint n = 0;
  for (XmppNode *f = xmpp_node_get_child(x, XMPP_NS_XDATA, "field"); f != NULL;
       f = xmpp_node_next_child(x, f, XMPP_NS_XDATA, "field")) {
    g_assert_nonnull(xmpp_node_get_attr(f, "var"));
    g_assert_null(xmpp_node_get_attr(f, "type"));
    g_assert_null(xmpp_node_get_child(f, XMPP_NS_XDATA, "option"));
    if (g_strcmp0(xmpp_node_get_attr(f, "var"), "pw") == 0) {
      g_autofree char *v = xmpp_node_dup_child_text(f, XMPP_NS_XDATA, "value");
      g_assert_cmpstr(v, ==, "secret");
    }
    n++;
  }
  g_assert_cmpuint(n, ==, 11); /* 12 minus the fixed one */
  g_autoptr(XmppNode) cancel = xmpp_xdata_cancel_new();
  g_assert_cmpstr(xmpp_node_get_attr(cancel, "type"), ==, "cancel");
}

static void
test_required_missing(void)
{
  g_autoptr(XmppXdataForm) form = parse_ok(
      "<x xmlns='jabber:x:data' type='form'><field var='a'><required/><value>1</value></field>"
      "<field var='b'><required/></field></x>");
  g_assert_cmpstr(xmpp_xdata_form_first_missing(form), ==, "b");
  xmpp_xdata_field_set_value(xmpp_xdata_form_get_field(form, "b"), "2");
  g_assert_null(xmpp_xdata_form_first_missing(form));
}

static void
test_results(void)
{
  g_autoptr(XmppXdataForm) form =
      parse_ok("<x xmlns='jabber:x:data' type='result'><reported><field var='jid' label='JID'/>"
               "<field var='nick'/></reported><item><field var='jid'><value>a@b</value></field>"
               "<field var='nick'><value>A</value></field></item><item><field var='jid'>"
               "<value>c@d</value></field></item></x>");
  g_assert_cmpint(form->type, ==, XMPP_XDATA_RESULT);
  g_assert_cmpuint(form->reported->len, ==, 2);
  g_assert_cmpuint(form->items->len, ==, 2);
  GPtrArray *row = form->items->pdata[0];
  g_assert_cmpstr(xmpp_xdata_field_get_value(row->pdata[1]), ==, "A");
}

static void
test_reject_malformed(void)
{
  static const char *const bad[] = {
      "<x xmlns='jabber:x:data'/>",                                       /* no type */
      "<x xmlns='jabber:x:data' type='bogus'/>",                          /* bad type */
      "<x xmlns='jabber:x:data' type='form'><field type='boolean'/></x>", /* no var */
      "<y xmlns='jabber:x:data' type='form'/>",                           /* not x */
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(XmppNode) x = test_parse_element(bad[i]);
    g_autoptr(GError) error = NULL;
    g_assert_null(xmpp_xdata_form_parse(x, NULL, &error));
    g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  }
}

static void
test_limit_fields(void)
{
  GString *xml = g_string_new("<x xmlns='jabber:x:data' type='form'>");
  for (guint i = 0; i <= XMPP_XDATA_MAX_FIELDS; i++)
    g_string_append_printf(xml, "<field var='f%u'/>", i);
  g_string_append(xml, "</x>");
  g_autoptr(XmppNode) x = test_parse_element(xml->str);
  g_autoptr(GError) error = NULL;
  g_assert_null(xmpp_xdata_form_parse(x, NULL, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
  /* Positive twin: exactly the limit is fine. */
  g_string_truncate(xml, 0);
  g_string_append(xml, "<x xmlns='jabber:x:data' type='form'>");
  for (guint i = 0; i < XMPP_XDATA_MAX_FIELDS; i++)
    g_string_append_printf(xml, "<field var='f%u'/>", i);
  g_string_append(xml, "</x>");
  g_autoptr(XmppXdataForm) form = parse_ok(xml->str);
  g_assert_cmpuint(form->fields->len, ==, XMPP_XDATA_MAX_FIELDS);
  g_string_free(xml, TRUE);
}

#define CAPTCHA_IQ(DATA)                                                                           \
  "<iq type='result'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"      \
  "<field var='ocr' label='Text'><required/><media xmlns='urn:xmpp:media-element'>"                \
  "<uri type='image/png'>cid:sha1+abc@bob.xmpp.org</uri></media></field></x>"                      \
  "<data xmlns='urn:xmpp:bob' cid='sha1+abc@bob.xmpp.org' type='image/png'>" DATA "</data>"        \
  "</query></iq>"

static XmppXdataField *
captcha_field(const char *iq_xml, XmppXdataForm **out)
{
  g_autoptr(XmppNode) iq = test_parse_element(iq_xml);
  XmppNode *query = xmpp_node_first_element(iq);
  g_autoptr(GError) error = NULL;
  *out = xmpp_xdata_form_parse(xmpp_node_get_child(query, XMPP_NS_XDATA, "x"), iq, &error);
  g_assert_no_error(error);
  return xmpp_xdata_form_get_field(*out, "ocr");
}

/* XEP-0221 media with the image in a XEP-0231 <data/> next to the form. */
static void
test_captcha_media(void)
{
  XmppXdataForm *form = NULL;
  XmppXdataField *f = captcha_field(CAPTCHA_IQ("aGVsbG8="), &form);
  g_assert_nonnull(f->media);
  g_assert_cmpstr(f->media->mime_type, ==, "image/png");
  g_assert_nonnull(f->media->data);
  g_assert_cmpmem(g_bytes_get_data(f->media->data, NULL), g_bytes_get_size(f->media->data), "hello",
                  5);
  xmpp_xdata_form_free(form);
}

/* T51: an oversized or invalid BoB payload is dropped before (or instead of) decoding. */
static void
test_T51_captcha_oversized(void)
{
  gsize n = (XMPP_XDATA_MAX_MEDIA_BYTES / 3 + 10) * 4;
  char *big = g_malloc(n + 1);
  memset(big, 'A', n);
  big[n] = '\0';
  char *xml = g_strdup_printf(CAPTCHA_IQ("%s"), big);
  XmppXdataForm *form = NULL;
  XmppXdataField *f = captcha_field(xml, &form);
  g_assert_nonnull(f->media);
  g_assert_null(f->media->data);
  xmpp_xdata_form_free(form);
  g_free(xml);
  g_free(big);
  f = captcha_field(CAPTCHA_IQ("!!!!"), &form);
  g_assert_null(f->media->data);
  xmpp_xdata_form_free(form);
}

static void
test_legacy(void)
{
  g_autoptr(XmppNode) q = test_parse_element(
      "<query xmlns='jabber:iq:register'><instructions>Hi</instructions><username>bob</username>"
      "<password/><email/><registered/><x xmlns='jabber:x:oob'/></query>");
  static const char *const skip[] = {"registered", NULL};
  g_autoptr(XmppXdataForm) form = xmpp_xdata_form_from_legacy(q, skip);
  g_assert_true(form->legacy);
  g_assert_cmpstr(form->instructions->pdata[0], ==, "Hi");
  g_assert_cmpuint(form->fields->len, ==, 3);
  g_assert_cmpstr(xmpp_xdata_field_get_value(form->fields->pdata[0]), ==, "bob");
  g_assert_cmpint(((XmppXdataField *)form->fields->pdata[1])->type, ==,
                  XMPP_XDATA_FIELD_TEXT_PRIVATE);
  g_autoptr(XmppNode) out = xmpp_node_new("jabber:iq:register", "query");
  xmpp_xdata_form_to_legacy(form, out);
  g_autofree char *user = xmpp_node_dup_child_text(out, "jabber:iq:register", "username");
  g_assert_cmpstr(user, ==, "bob");
  g_assert_cmpuint(xmpp_node_n_children(out), ==, 3);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/xdata/parse/all_types", test_parse_all_types);
  g_test_add_func("/xdata/parse/round_trip", test_round_trip);
  g_test_add_func("/xdata/build/submit", test_build_submit);
  g_test_add_func("/xdata/required_missing", test_required_missing);
  g_test_add_func("/xdata/parse/results", test_results);
  g_test_add_func("/xdata/parse/reject_malformed", test_reject_malformed);
  g_test_add_func("/xdata/parse/limit_fields", test_limit_fields);
  g_test_add_func("/xdata/media/captcha", test_captcha_media);
  g_test_add_func("/xdata/media/T51_captcha_oversized", test_T51_captcha_oversized);
  g_test_add_func("/xdata/legacy", test_legacy);
  return g_test_run();
}
