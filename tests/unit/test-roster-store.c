/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the roster storage format: round trips, and corrupt or hostile files refused. */
#include <string.h>

#include "fake-host.h"
#include "im/roster.h"
#include "xml/parser.h"

static void
discard_send(gpointer data, const XmppNode *node)
{
}

typedef struct {
  FakeHost *fake;
  XmppRouter *router;
  XmppRoster *roster;
} Env;

static Env *
env_new(void)
{
  Env *e = g_new0(Env, 1);
  e->fake = fake_host_new();
  e->router = xmpp_router_new(&e->fake->host, discard_send, NULL);
  e->roster = xmpp_roster_new(e->router, &e->fake->host);
  return e;
}

static void
env_free(Env *e)
{
  xmpp_roster_free(e->roster);
  xmpp_router_free(e->router);
  fake_host_free(e->fake);
  g_free(e);
}

static GPtrArray *
make_items(guint n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = 0; i < n; i++) {
    g_autofree char *s = g_strdup_printf("contact%u@example.test", i);
    g_autoptr(XmppJid) jid = xmpp_jid_parse(s, NULL);
    g_autofree char *name = g_strdup_printf("Contact <%u> & 'co' \"é\"", i);
    g_autofree char *g1 = g_strdup_printf("Group %u", i % 10);
    const char *groups[] = {g1, i % 3 == 0 ? "Shared & Co" : NULL, NULL};
    XmppRosterItem *item = xmpp_roster_item_new(jid, i % 7 == 0 ? NULL : name, groups);
    item->subscription = (XmppRosterSubscription)(i % 4);
    item->ask = i % 5 == 0;
    item->approved = i % 11 == 0;
    g_ptr_array_add(items, item);
  }
  return items;
}

/* 1,000 items with every field through serialise and load: the same roster comes back. */
static void
test_round_trip_1000(void)
{
  Env *a = env_new();
  GPtrArray *items = make_items(1000);
  GPtrArray *expected = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add(expected, xmpp_roster_item_copy(items->pdata[i]));
  xmpp_roster_set_cache(a->roster, "ver-'1'&<2>", items);
  gsize len = 0;
  g_autofree char *bytes = xmpp_roster_store_serialize(a->roster, &len);
  g_assert_cmpuint(len, ==, strlen(bytes));

  Env *b = env_new();
  g_autoptr(GError) error = NULL;
  g_assert_true(xmpp_roster_store_load(b->roster, bytes, len, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(xmpp_roster_get_version(b->roster), ==, "ver-'1'&<2>");
  g_assert_cmpuint(xmpp_roster_n_items(b->roster), ==, 1000);
  for (guint i = 0; i < expected->len; i++) {
    const XmppRosterItem *want = expected->pdata[i];
    const XmppRosterItem *got = xmpp_roster_lookup(b->roster, want->jid);
    g_assert_nonnull(got);
    g_assert_true(xmpp_roster_item_equal(want, got));
  }
  /* Loading does not mean the server confirmed it. */
  g_assert_false(xmpp_roster_is_loaded(b->roster));
  g_ptr_array_unref(expected);
  env_free(a);
  env_free(b);
}

static void
test_round_trip_empty(void)
{
  Env *a = env_new();
  g_autofree char *bytes = xmpp_roster_store_serialize(a->roster, NULL);
  char *ver = (char *)"sentinel";
  GPtrArray *items = NULL;
  g_assert_true(xmpp_roster_store_parse(bytes, strlen(bytes), &ver, &items, NULL));
  g_assert_null(ver);
  g_assert_cmpuint(items->len, ==, 0);
  g_ptr_array_unref(items);
  env_free(a);
}

/* Corrupt, truncated or foreign files are refused and leave the roster as it was. */
static void
test_corrupt_refused(void)
{
  Env *e = env_new();
  GPtrArray *items = make_items(3);
  xmpp_roster_set_cache(e->roster, "keep", items);
  g_autofree char *good = xmpp_roster_store_serialize(e->roster, NULL);
  g_autofree char *truncated = g_strndup(good, strlen(good) - 20);
  const char *bad[] = {
      "",
      "garbage",
      truncated,
      /* Not our header first. */
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
      "<item xmlns='jabber:iq:roster' jid='a@x.test'/></stream:stream>",
      /* An invalid item. */
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
      "<roster xmlns='urn:xmpp:lyre:roster-store:1'/><item xmlns='jabber:iq:roster' jid='@'/>"
      "</stream:stream>",
      /* Entities are never expanded (restricted XML). */
      "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><stream:stream "
      "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'></stream:stream>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_assert_false(xmpp_roster_store_load(e->roster, bad[i], strlen(bad[i]), &error));
    g_assert_nonnull(error);
    g_assert_cmpstr(xmpp_roster_get_version(e->roster), ==, "keep");
    g_assert_cmpuint(xmpp_roster_n_items(e->roster), ==, 3);
  }
  /* Positive twin: the intact bytes load. */
  g_assert_true(xmpp_roster_store_load(e->roster, good, strlen(good), NULL));
  env_free(e);
}

/* T52: a stored file with more items than the limit is refused as a whole. */
static void
test_T52_item_cap(void)
{
  GString *s = g_string_new("<stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>"
                            "<roster xmlns='urn:xmpp:lyre:roster-store:1' ver='v'/>");
  for (int i = 0; i < XMPP_ROSTER_MAX_ITEMS; i++)
    g_string_append_printf(s, "<item xmlns='jabber:iq:roster' jid='c%d@x.test'/>", i);
  GString *over = g_string_new(s->str);
  g_string_append(over, "<item xmlns='jabber:iq:roster' jid='one-more@x.test'/>");
  g_string_append(s, "</stream:stream>");
  g_string_append(over, "</stream:stream>");
  GPtrArray *items = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_roster_store_parse(over->str, over->len, NULL, &items, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_null(items);
  /* Positive twin: exactly the limit loads. */
  g_assert_true(xmpp_roster_store_parse(s->str, s->len, NULL, &items, NULL));
  g_assert_cmpuint(items->len, ==, XMPP_ROSTER_MAX_ITEMS);
  g_ptr_array_unref(items);
  g_string_free(s, TRUE);
  g_string_free(over, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/roster-store/round_trip_1000", test_round_trip_1000);
  g_test_add_func("/roster-store/round_trip_empty", test_round_trip_empty);
  g_test_add_func("/roster-store/corrupt_refused", test_corrupt_refused);
  g_test_add_func("/roster-store/T52_item_cap", test_T52_item_cap);
  return g_test_run();
}
