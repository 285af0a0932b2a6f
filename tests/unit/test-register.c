/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of XEP-0077 parsing and building: legacy fields, data forms, prefill, password change
 * and removal requests. */
#include "parse-helper.h"
#include "router/stanza-error.h"
#include "services/register.h"

static XmppRegisterRequest *
parse(const char *xml, GError **error)
{
  g_autoptr(XmppNode) iq = test_parse_element(xml);
  return xmpp_register_request_parse(iq, error);
}

static void
test_legacy_fields(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppRegisterRequest) req =
      parse("<iq type='result'><query xmlns='jabber:iq:register'><instructions>Pick</instructions>"
            "<username/><password/><email/><key>k1</key></query></iq>",
            &error);
  g_assert_no_error(error);
  g_assert_false(req->registered);
  g_assert_true(req->form->legacy);
  g_assert_cmpuint(req->form->fields->len, ==, 4);
  g_assert_cmpint(xmpp_xdata_form_get_field(req->form, "key")->type, ==, XMPP_XDATA_FIELD_HIDDEN);
  xmpp_register_request_prefill(req, "romeo", "pw");
  g_assert_cmpstr(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(req->form, "username")), ==,
                  "romeo");
  g_autoptr(XmppNode) set = xmpp_register_build_submit("example.test", req->form);
  XmppNode *q = xmpp_node_get_child(set, XMPP_NS_REGISTER, "query");
  g_autofree char *pw = xmpp_node_dup_child_text(q, XMPP_NS_REGISTER, "password");
  g_autofree char *key = xmpp_node_dup_child_text(q, XMPP_NS_REGISTER, "key");
  g_autofree char *email = xmpp_node_dup_child_text(q, XMPP_NS_REGISTER, "email");
  g_assert_cmpstr(pw, ==, "pw");
  g_assert_cmpstr(key, ==, "k1");
  g_assert_cmpstr(email, ==, "");
  g_assert_cmpstr(xmpp_node_get_attr(set, "type"), ==, "set");
  g_assert_cmpstr(xmpp_node_get_attr(set, "to"), ==, "example.test");
}

/* XEP-0077 §6: the data form wins over legacy fields, answered as type submit. */
static void
test_data_form(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppRegisterRequest) req =
      parse("<iq type='result'><query xmlns='jabber:iq:register'><username/>"
            "<x xmlns='jabber:x:data' type='form'><field type='hidden' var='FORM_TYPE'>"
            "<value>jabber:iq:register</value></field><field type='text-single' var='username'>"
            "<required/></field><field type='text-private' var='password'><required/></field>"
            "</x></query></iq>",
            &error);
  g_assert_no_error(error);
  g_assert_false(req->form->legacy);
  g_assert_cmpuint(req->form->fields->len, ==, 3);
  xmpp_register_request_prefill(req, "juliet", "");
  g_assert_cmpstr(xmpp_xdata_form_first_missing(req->form), ==, "password");
  g_autoptr(XmppNode) set = xmpp_register_build_submit(NULL, req->form);
  XmppNode *q = xmpp_node_get_child(set, XMPP_NS_REGISTER, "query");
  XmppNode *x = xmpp_node_get_child(q, XMPP_NS_XDATA, "x");
  g_assert_nonnull(x);
  g_assert_cmpstr(xmpp_node_get_attr(x, "type"), ==, "submit");
  g_assert_null(xmpp_node_get_child(q, XMPP_NS_REGISTER, "username"));
}

static void
test_registered_and_oob(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppRegisterRequest) req = parse(
      "<iq type='result'><query xmlns='jabber:iq:register'><registered/><username>bill</username>"
      "<x xmlns='jabber:x:oob'><url>https://example.test/signup</url></x></query></iq>",
      &error);
  g_assert_no_error(error);
  g_assert_true(req->registered);
  g_assert_cmpstr(req->oob_url, ==, "https://example.test/signup");
}

static void
test_reject(void)
{
  static const char *const bad[] = {
      "<iq type='result'/>",
      "<iq type='result'><query xmlns='jabber:iq:register'/></iq>",
      "<iq type='result'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' "
      "type='nope'/></query></iq>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_assert_null(parse(bad[i], &error));
    g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  }
}

static void
test_password_and_remove(void)
{
  g_autoptr(XmppNode) iq = xmpp_register_build_password("example.test", "bill", "newpass");
  XmppNode *q = xmpp_node_get_child(iq, XMPP_NS_REGISTER, "query");
  g_autofree char *user = xmpp_node_dup_child_text(q, XMPP_NS_REGISTER, "username");
  g_autofree char *pw = xmpp_node_dup_child_text(q, XMPP_NS_REGISTER, "password");
  g_assert_cmpstr(user, ==, "bill");
  g_assert_cmpstr(pw, ==, "newpass");
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "set");
  g_autoptr(XmppNode) rm = xmpp_register_build_remove("example.test");
  q = xmpp_node_get_child(rm, XMPP_NS_REGISTER, "query");
  g_assert_nonnull(xmpp_node_get_child(q, XMPP_NS_REGISTER, "remove"));
  g_assert_cmpuint(xmpp_node_n_children(q), ==, 1);
  g_autoptr(XmppNode) get = xmpp_register_build_get("example.test");
  g_assert_cmpstr(xmpp_node_get_attr(get, "type"), ==, "get");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/register/parse/legacy_fields", test_legacy_fields);
  g_test_add_func("/register/parse/data_form", test_data_form);
  g_test_add_func("/register/parse/registered_and_oob", test_registered_and_oob);
  g_test_add_func("/register/parse/reject", test_reject);
  g_test_add_func("/register/build/password_and_remove", test_password_and_remove);
  return g_test_run();
}
