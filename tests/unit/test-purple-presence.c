/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of purple-presence.c: the <presence/> built for each status (RFC 6121 §4.7). */
#include "purple-subscription.h"

#include "xml/parser.h"

/* Status types register with libpurple's D-Bus id map; its header needs the D-Bus headers, so
 * the one declaration we need is repeated here. */
void purple_dbus_init_ids(void);

static void
check_show(const char *status_id, const char *show)
{
  XmppNode *p = xmpp_purple_presence_build(status_id, NULL, 5);
  g_assert_true(xmpp_node_is(p, XMPP_NS_JABBER_CLIENT, "presence"));
  g_assert_null(xmpp_node_get_attr(p, "type"));
  char *got = xmpp_node_dup_child_text(p, XMPP_NS_JABBER_CLIENT, "show");
  g_assert_cmpstr(got, ==, show);
  g_free(got);
  char *prio = xmpp_node_dup_child_text(p, XMPP_NS_JABBER_CLIENT, "priority");
  g_assert_cmpstr(prio, ==, "5");
  g_free(prio);
  xmpp_node_free(p);
}

static void
test_show(void)
{
  check_show("available", NULL); /* no <show/>: available (§4.7.2.1) */
  check_show("freeforchat", "chat");
  check_show("away", "away");
  check_show("extended_away", "xa");
  check_show("dnd", "dnd");
}

/* The legacy invisibility (and the form used until the server's mechanism is known) must not
 * make us look online. */
static void
test_invisible_is_unavailable(void)
{
  XmppNode *p = xmpp_purple_presence_build("invisible", "hidden", 1);
  g_assert_cmpstr(xmpp_node_get_attr(p, "type"), ==, "unavailable");
  g_assert_null(xmpp_node_get_child(p, NULL, "show"));
  g_assert_null(xmpp_node_get_child(p, NULL, "status"));
  xmpp_node_free(p);
}

static void
test_status_markup_stripped(void)
{
  XmppNode *p = xmpp_purple_presence_build("away", "<b>out</b> for &amp; lunch", 0);
  char *status = xmpp_node_dup_child_text(p, XMPP_NS_JABBER_CLIENT, "status");
  g_assert_cmpstr(status, ==, "out for & lunch");
  g_free(status);
  xmpp_node_free(p);

  /* Twin: no message (or only markup) gives no <status/>. */
  p = xmpp_purple_presence_build("away", "<br>", 0);
  g_assert_null(xmpp_node_get_child(p, NULL, "status"));
  xmpp_node_free(p);
}

static void
test_priority_clamped(void)
{
  const struct {
    int in;
    const char *out;
  } cases[] = {{1000, "127"}, {-1000, "-128"}, {127, "127"}, {-128, "-128"}, {0, "0"}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    XmppNode *p = xmpp_purple_presence_build("available", NULL, cases[i].in);
    char *prio = xmpp_node_dup_child_text(p, XMPP_NS_JABBER_CLIENT, "priority");
    g_assert_cmpstr(prio, ==, cases[i].out);
    g_free(prio);
    xmpp_node_free(p);
  }
}

static void
test_status_type_ids(void)
{
  /* prpl-jabber's ids, so saved statuses of a migrated account keep working. */
  const char *ids[] = {"available", "freeforchat", "away",   "extended_away",
                       "dnd",       "invisible",   "offline"};
  GList *types = xmpp_purple_presence_status_types(NULL);
  g_assert_cmpuint(g_list_length(types), ==, G_N_ELEMENTS(ids));
  for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
    PurpleStatusType *t = (PurpleStatusType *)purple_status_type_find_with_id(types, ids[i]);
    g_assert_nonnull(t);
    g_assert_nonnull(purple_status_type_get_attr(t, "message"));
  }
  g_list_free_full(types, (GDestroyNotify)purple_status_type_destroy);
}

/* Contacts' <show/> maps onto prpl-jabber's status ids, and each id maps back to the same show
 * when we send it. */
static void
test_status_id_from_show(void)
{
  const struct {
    XmppPresenceShow show;
    const char *id;
  } cases[] = {{XMPP_SHOW_CHAT, "freeforchat"},
               {XMPP_SHOW_NONE, "available"},
               {XMPP_SHOW_AWAY, "away"},
               {XMPP_SHOW_XA, "extended_away"},
               {XMPP_SHOW_DND, "dnd"}};
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_assert_cmpstr(xmpp_purple_presence_status_id(cases[i].show), ==, cases[i].id);
    XmppNode *p = xmpp_purple_presence_build(cases[i].id, NULL, 0);
    char *show = xmpp_node_dup_child_text(p, XMPP_NS_JABBER_CLIENT, "show");
    g_assert_cmpstr(show, ==, xmpp_presence_show_name(cases[i].show));
    g_free(show);
    xmpp_node_free(p);
  }
}

static void
test_subscription_describe(void)
{
  const struct {
    XmppSubscriptionState s;
    const char *text;
  } cases[] = {
      {{.to = TRUE, .from = TRUE}, "Both"},
      {{.to = TRUE}, "To"},
      {{.from = TRUE}, "From"},
      {{0}, "None"},
      {{.ask = TRUE}, "None (awaiting authorization)"},
      {{.from = TRUE, .ask = TRUE}, "From (awaiting authorization)"},
      {{.pending_in = TRUE}, "None (asks for authorization)"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *text = xmpp_purple_subscription_describe(&cases[i].s);
    g_assert_cmpstr(text, ==, cases[i].text);
    g_free(text);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  purple_dbus_init_ids();
  g_test_add_func("/purple/presence/show", test_show);
  g_test_add_func("/purple/presence/invisible_is_unavailable", test_invisible_is_unavailable);
  g_test_add_func("/purple/presence/status_markup_stripped", test_status_markup_stripped);
  g_test_add_func("/purple/presence/priority_clamped", test_priority_clamped);
  g_test_add_func("/purple/presence/status_type_ids", test_status_type_ids);
  g_test_add_func("/purple/presence/status_id_from_show", test_status_id_from_show);
  g_test_add_func("/purple/presence/subscription_describe", test_subscription_describe);
  return g_test_run();
}
