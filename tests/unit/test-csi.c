/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for services/csi.c: XEP-0352 <inactive/> and <active/>, only when the server offers
 * client state indication, only on a change, and again on a new stream. */
#include "router-fixture.h"
#include "services/csi.h"

static guint
count(TestRouter *t, const char *name)
{
  guint n = 0;
  for (guint i = 0; i < test_router_n_sent(t); i++)
    n += xmpp_node_is(test_router_get_sent(t, i), "urn:xmpp:csi:0", name);
  return n;
}

static void
test_only_when_offered(void)
{
  TestRouter *t = test_router_new("juliet@example.test/balcony");
  XmppCsi *csi = xmpp_csi_new(t->router, &t->fake->host);
  xmpp_csi_set_inactive(csi, TRUE); /* idle before the server is known: nothing yet */
  g_assert_cmpuint(test_router_n_sent(t), ==, 0);
  xmpp_csi_set_offered(csi, FALSE);
  xmpp_csi_set_inactive(csi, FALSE);
  xmpp_csi_set_inactive(csi, TRUE);
  g_assert_cmpuint(test_router_n_sent(t), ==, 0);
  xmpp_csi_free(csi);
  test_router_free(t);
}

static void
test_on_change_only(void)
{
  TestRouter *t = test_router_new("juliet@example.test/balcony");
  XmppCsi *csi = xmpp_csi_new(t->router, &t->fake->host);
  xmpp_csi_set_inactive(csi, TRUE);
  xmpp_csi_set_offered(csi, TRUE); /* signed in while idle: told at once */
  g_assert_cmpuint(count(t, "inactive"), ==, 1);
  xmpp_csi_set_inactive(csi, TRUE);
  g_assert_cmpuint(test_router_n_sent(t), ==, 1);
  xmpp_csi_set_inactive(csi, FALSE);
  xmpp_csi_set_inactive(csi, FALSE);
  g_assert_cmpuint(count(t, "active"), ==, 1);
  g_assert_false(xmpp_csi_is_inactive(csi));
  xmpp_csi_set_inactive(csi, TRUE);
  g_assert_true(xmpp_csi_is_inactive(csi));
  /* A new stream starts active: the idle user is told again; an active one needs nothing. */
  xmpp_csi_set_offered(csi, TRUE);
  g_assert_cmpuint(count(t, "inactive"), ==, 3);
  xmpp_csi_set_inactive(csi, FALSE);
  xmpp_csi_set_offered(csi, TRUE);
  g_assert_cmpuint(test_router_n_sent(t), ==, 5);
  xmpp_csi_free(csi);
  test_router_free(t);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/csi/only-when-offered", test_only_when_offered);
  g_test_add_func("/csi/on-change-only", test_on_change_only);
  return g_test_run();
}
