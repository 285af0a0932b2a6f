/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of purple-xdata.c, the one data-forms renderer: each XEP-0004 field type to its
 * PurpleRequestField and back, required fields, list options, defaults and the action choice. */
#include "purple-xdata.h"

#include "parse-helper.h"

#define FORM                                                                                       \
  "<x xmlns='jabber:x:data' type='form'><title>T</title>"                                          \
  "<field type='hidden' var='FORM_TYPE'><value>urn:t</value></field>"                              \
  "<field type='fixed'><value>Read this</value></field>"                                           \
  "<field type='text-single' var='name' label='Name'><required/><value>Ann</value></field>"        \
  "<field type='text-private' var='pw' label='Password'/>"                                         \
  "<field type='text-multi' var='about'><value>l1</value><value>l2</value></field>"                \
  "<field type='boolean' var='pub' label='Public'><value>true</value></field>"                     \
  "<field type='list-single' var='color' label='Color'><value>g</value>"                           \
  "<option label='Red'><value>r</value></option><option label='Green'><value>g</value></option>"   \
  "</field>"                                                                                       \
  "<field type='list-multi' var='tags'><value>y</value>"                                           \
  "<option label='X'><value>x</value></option><option label='Y'><value>y</value></option>"         \
  "<option label='X'><value>x2</value></option></field>"                                           \
  "<field type='jid-single' var='owner'><value>a@b.c</value></field>"                              \
  "<field type='jid-multi' var='admins'><value>a@b.c</value><value>d@e.f</value></field>"          \
  "</x>"

static XmppXdataForm *
load(void)
{
  g_autoptr(XmppNode) x = test_parse_element(FORM);
  XmppXdataForm *form = xmpp_xdata_form_parse(x, NULL, NULL);
  g_assert_nonnull(form);
  return form;
}

static PurpleRequestField *
get(PurpleRequestFields *fields, guint i)
{
  g_autofree char *id = g_strdup_printf("xdata:%u", i);
  return purple_request_fields_exists(fields, id) ? purple_request_fields_get_field(fields, id)
                                                  : NULL;
}

/* Form to fields: the widget type, label, default and required flag of each field type. */
static void
test_to_fields(void)
{
  g_autoptr(XmppXdataForm) form = load();
  PurpleRequestFields *fields = xmpp_purple_xdata_to_fields(form, NULL, 0);
  g_assert_null(get(fields, 0)); /* hidden: not shown */
  g_assert_cmpint(purple_request_field_get_type(get(fields, 1)), ==, PURPLE_REQUEST_FIELD_LABEL);
  g_assert_cmpstr(purple_request_field_get_label(get(fields, 1)), ==, "Read this");
  PurpleRequestField *name = get(fields, 2);
  g_assert_cmpint(purple_request_field_get_type(name), ==, PURPLE_REQUEST_FIELD_STRING);
  g_assert_cmpstr(purple_request_field_get_label(name), ==, "Name");
  g_assert_cmpstr(purple_request_field_string_get_default_value(name), ==, "Ann");
  g_assert_true(purple_request_field_is_required(name));
  g_assert_true(purple_request_field_string_is_masked(get(fields, 3)));
  g_assert_false(purple_request_field_is_required(get(fields, 3)));
  g_assert_true(purple_request_field_string_is_multiline(get(fields, 4)));
  g_assert_cmpstr(purple_request_field_string_get_default_value(get(fields, 4)), ==, "l1\nl2");
  g_assert_cmpint(purple_request_field_get_type(get(fields, 5)), ==, PURPLE_REQUEST_FIELD_BOOLEAN);
  g_assert_true(purple_request_field_bool_get_default_value(get(fields, 5)));
  PurpleRequestField *color = get(fields, 6);
  g_assert_cmpint(purple_request_field_get_type(color), ==, PURPLE_REQUEST_FIELD_CHOICE);
  g_assert_cmpuint(g_list_length(purple_request_field_choice_get_labels(color)), ==, 2);
  g_assert_cmpint(purple_request_field_choice_get_default_value(color), ==, 1);
  PurpleRequestField *tags = get(fields, 7);
  g_assert_cmpint(purple_request_field_get_type(tags), ==, PURPLE_REQUEST_FIELD_LIST);
  g_assert_true(purple_request_field_list_get_multi_select(tags));
  GList *items = purple_request_field_list_get_items(tags);
  g_assert_cmpuint(g_list_length(items), ==, 3);
  g_assert_cmpstr(g_list_nth_data(items, 2), ==, "X (x2)"); /* duplicate label made unique */
  g_assert_true(purple_request_field_list_is_selected(tags, "Y"));
  g_assert_false(purple_request_field_list_is_selected(tags, "X"));
  g_assert_cmpstr(purple_request_field_string_get_default_value(get(fields, 8)), ==, "a@b.c");
  g_assert_cmpstr(purple_request_field_get_type_hint(get(fields, 8)), ==, "screenname");
  g_assert_true(purple_request_field_string_is_multiline(get(fields, 9)));
  /* Required fields are reported to the UI. */
  g_assert_cmpuint(g_list_length(purple_request_fields_get_required(fields)), ==, 1);
  purple_request_fields_destroy(fields);
}

/* Fields to form: untouched defaults come back as they were. */
static void
test_defaults_round_trip(void)
{
  g_autoptr(XmppXdataForm) form = load();
  PurpleRequestFields *fields = xmpp_purple_xdata_to_fields(form, NULL, 0);
  g_autoptr(XmppXdataForm) back = xmpp_purple_xdata_from_fields(form, fields);
  for (guint i = 0; i < form->fields->len; i++) {
    XmppXdataField *a = form->fields->pdata[i], *b = back->fields->pdata[i];
    if (a->type == XMPP_XDATA_FIELD_BOOLEAN) {
      g_assert_cmpint(xmpp_xdata_field_get_bool(a), ==, xmpp_xdata_field_get_bool(b));
      continue;
    }
    g_assert_cmpuint(a->values->len, ==, b->values->len);
    for (guint j = 0; j < a->values->len; j++)
      g_assert_cmpstr(a->values->pdata[j], ==, b->values->pdata[j]);
  }
  purple_request_fields_destroy(fields);
}

/* Fields to form: what the user changed lands in the right values. */
static void
test_from_fields(void)
{
  g_autoptr(XmppXdataForm) form = load();
  PurpleRequestFields *fields = xmpp_purple_xdata_to_fields(form, NULL, 0);
  purple_request_field_string_set_value(get(fields, 2), "Bob");
  purple_request_field_string_set_value(get(fields, 3), "s3cret");
  purple_request_field_string_set_value(get(fields, 4), "one\n\nthree");
  purple_request_field_bool_set_value(get(fields, 5), FALSE);
  purple_request_field_choice_set_value(get(fields, 6), 0);
  purple_request_field_list_clear_selected(get(fields, 7));
  purple_request_field_list_add_selected(get(fields, 7), "X");
  purple_request_field_list_add_selected(get(fields, 7), "X (x2)");
  purple_request_field_string_set_value(get(fields, 9), "x@y\n\n z@w \n");
  g_autoptr(XmppXdataForm) back = xmpp_purple_xdata_from_fields(form, fields);
  g_assert_cmpstr(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(back, "FORM_TYPE")), ==,
                  "urn:t");
  g_assert_cmpstr(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(back, "name")), ==, "Bob");
  g_assert_cmpstr(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(back, "pw")), ==, "s3cret");
  XmppXdataField *about = xmpp_xdata_form_get_field(back, "about");
  g_assert_cmpuint(about->values->len, ==, 3); /* text-multi keeps blank lines */
  g_assert_cmpstr(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(back, "pub")), ==, "0");
  g_assert_cmpstr(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(back, "color")), ==, "r");
  XmppXdataField *tags = xmpp_xdata_form_get_field(back, "tags");
  g_assert_cmpuint(tags->values->len, ==, 2);
  g_assert_cmpstr(tags->values->pdata[0], ==, "x");
  g_assert_cmpstr(tags->values->pdata[1], ==, "x2");
  XmppXdataField *admins = xmpp_xdata_form_get_field(back, "admins");
  g_assert_cmpuint(admins->values->len, ==, 2); /* jid-multi drops blank lines */
  g_assert_cmpstr(admins->values->pdata[1], ==, "z@w");
  /* An emptied required field is missing again. */
  purple_request_field_string_set_value(get(fields, 2), "");
  g_autoptr(XmppXdataForm) empty = xmpp_purple_xdata_from_fields(form, fields);
  g_assert_cmpstr(xmpp_xdata_form_first_missing(empty), ==, "name");
  purple_request_fields_destroy(fields);
}

static void
test_actions_and_media(void)
{
  g_autoptr(XmppNode) iq = test_parse_element(
      "<iq type='result'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'>"
      "<field var='ocr' label='Type the text'><media xmlns='urn:xmpp:media-element'>"
      "<uri type='image/png'>cid:c1@bob.xmpp.org</uri></media></field></x>"
      "<data xmlns='urn:xmpp:bob' cid='c1@bob.xmpp.org'>aGVsbG8=</data></query></iq>");
  XmppNode *x = xmpp_node_get_child(xmpp_node_first_element(iq), XMPP_NS_XDATA, "x");
  g_autoptr(XmppXdataForm) form = xmpp_xdata_form_parse(x, iq, NULL);
  static const char *const actions[] = {"Previous", "Next", "Complete", NULL};
  PurpleRequestFields *fields = xmpp_purple_xdata_to_fields(form, actions, 1);
  PurpleRequestField *img = purple_request_fields_get_field(fields, "media:0");
  g_assert_nonnull(img);
  g_assert_cmpuint(purple_request_field_image_get_size(img), ==, 5);
  g_assert_cmpmem(purple_request_field_image_get_buffer(img), 5, "hello", 5);
  g_assert_cmpint(xmpp_purple_xdata_get_action(fields), ==, 1);
  purple_request_field_choice_set_value(
      purple_request_fields_get_field(fields, XMPP_PURPLE_XDATA_ACTION_ID), 2);
  g_assert_cmpint(xmpp_purple_xdata_get_action(fields), ==, 2);
  /* libpurple 2's purple_request_field_destroy never frees an image's copy of the bytes. */
  g_free((char *)purple_request_field_image_get_buffer(img));
  purple_request_fields_destroy(fields);
  /* Without actions there is no choice. */
  fields = xmpp_purple_xdata_to_fields(form, NULL, 0);
  g_assert_cmpint(xmpp_purple_xdata_get_action(fields), ==, -1);
  g_free((char *)purple_request_field_image_get_buffer(
      purple_request_fields_get_field(fields, "media:0")));
  purple_request_fields_destroy(fields);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/purple/xdata/to_fields", test_to_fields);
  g_test_add_func("/purple/xdata/defaults_round_trip", test_defaults_round_trip);
  g_test_add_func("/purple/xdata/from_fields", test_from_fields);
  g_test_add_func("/purple/xdata/actions_and_media", test_actions_and_media);
  return g_test_run();
}
