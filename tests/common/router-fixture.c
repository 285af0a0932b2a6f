/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TestRouter: the router, fake host and sent-stanza capture shared by the module tests. */
#include "router-fixture.h"

#include "jid/jid.h"
#include "parse-helper.h"
#include "xml/writer.h"

static void
capture_send(gpointer data, const XmppNode *node)
{
  TestRouter *t = data;
  g_ptr_array_add(t->sent, xmpp_node_copy(node));
}

TestRouter *
test_router_new(const char *own_full_jid)
{
  TestRouter *t = g_new0(TestRouter, 1);
  t->fake = fake_host_new();
  t->sent = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_node_free);
  t->router = xmpp_router_new(&t->fake->host, capture_send, t);
  if (own_full_jid != NULL) {
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppJid) me = xmpp_jid_parse(own_full_jid, &error);
    g_assert_no_error(error);
    xmpp_router_set_own_jid(t->router, me);
  }
  return t;
}

void
test_router_free(TestRouter *t)
{
  if (t == NULL)
    return;
  /* The router first: ending its pending IQs may still send or log through the host. */
  xmpp_router_free(t->router);
  g_ptr_array_unref(t->sent);
  fake_host_free(t->fake);
  g_free(t);
}

void
test_router_dispatch(TestRouter *t, const char *xml)
{
  xmpp_router_dispatch(t->router, test_parse_element(xml));
}

void
test_router_dispatchf(TestRouter *t, const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  g_autofree char *xml = g_strdup_vprintf(format, ap);
  va_end(ap);
  test_router_dispatch(t, xml);
}

void
test_router_answer_last(TestRouter *t, const char *payload)
{
  XmppNode *iq = test_router_last_sent(t);
  const char *to = xmpp_node_get_attr(iq, "to");
  g_autofree char *from = to != NULL ? g_markup_printf_escaped(" from='%s'", to) : g_strdup("");
  g_autofree char *id = g_markup_escape_text(xmpp_node_get_attr(iq, "id"), -1);
  g_autofree char *xml = g_strdup_printf("<iq type='result'%s id='%s'>%s</iq>", from, id, payload);
  test_router_dispatch(t, xml);
}

guint
test_router_n_sent(const TestRouter *t)
{
  return t->sent->len;
}

XmppNode *
test_router_get_sent(const TestRouter *t, guint index)
{
  g_assert_cmpuint(index, <, t->sent->len);
  return t->sent->pdata[index];
}

XmppNode *
test_router_last_sent(const TestRouter *t)
{
  g_assert_cmpuint(t->sent->len, >, 0);
  return t->sent->pdata[t->sent->len - 1];
}

XmppNode *
test_router_take_last_sent(TestRouter *t)
{
  g_assert_cmpuint(t->sent->len, >, 0);
  return g_ptr_array_steal_index(t->sent, t->sent->len - 1);
}

char *
test_router_dup_sent_string(const TestRouter *t, guint index)
{
  return xmpp_xml_node_to_string(test_router_get_sent(t, index));
}
