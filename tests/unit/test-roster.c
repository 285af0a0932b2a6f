/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of XmppRoster: item and query parsing, limits, fetch with versioning, pushes (T34/T35)
 * and set/remove requests. */
#include <string.h>

#include "im/roster.h"
#include "parse-helper.h"
#include "router-fixture.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"

typedef struct {
  TestRouter *t;
  XmppRoster *roster;
  GString *events;
  guint request_calls;
  int request_code; /* -1: success */
  guint destroyed;
} Fixture;

static void
ev_loaded(gpointer data, gboolean unchanged)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "loaded:%d ", unchanged);
}

static void
ev_fetch_failed(gpointer data, const GError *error)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "failed:%d ", error->code);
}

static void
ev_item_updated(gpointer data, const XmppRosterItem *item, gboolean added)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "%s:%s ", added ? "added" : "updated",
                         xmpp_jid_get_full(item->jid));
}

static void
ev_item_removed(gpointer data, const XmppRosterItem *item)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "removed:%s ", xmpp_jid_get_full(item->jid));
}

static const XmppRosterEvents events = {
    .loaded = ev_loaded,
    .fetch_failed = ev_fetch_failed,
    .item_updated = ev_item_updated,
    .item_removed = ev_item_removed,
};

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new("juliet@example.test/balcony");
  f->events = g_string_new(NULL);
  f->roster = xmpp_roster_new(f->t->router, &f->t->fake->host);
  xmpp_roster_set_events(f->roster, &events, f);
  f->request_code = -2;
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->t->router);
  xmpp_roster_free(f->roster);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

static XmppRosterItem *
parse_item(const char *xml)
{
  g_autoptr(XmppNode) node = test_parse_element(xml);
  return xmpp_roster_item_parse(node, NULL);
}

/* ---- model and parsing ---------------------------------------------------------------------- */

static void
test_subscription_strings(void)
{
  for (int s = XMPP_ROSTER_SUBSCRIPTION_NONE; s <= XMPP_ROSTER_SUBSCRIPTION_REMOVE; s++)
    g_assert_cmpint(xmpp_roster_subscription_from_string(xmpp_roster_subscription_to_string(s)), ==,
                    s);
  g_assert_cmpint(xmpp_roster_subscription_from_string("bogus"), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
  g_assert_cmpint(xmpp_roster_subscription_from_string(NULL), ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
}

static void
test_item_parse(void)
{
  g_autoptr(XmppRosterItem) item = parse_item(
      "<item xmlns='jabber:iq:roster' jid='Romeo@Example.NET' name='Romeo' subscription='both' "
      "ask='subscribe' approved='true'><group>Friends</group><group>Lovers</group>"
      "<group>Friends</group><group></group></item>");
  g_assert_nonnull(item);
  g_assert_cmpstr(xmpp_jid_get_full(item->jid), ==, "romeo@example.net");
  g_assert_cmpstr(item->name, ==, "Romeo");
  g_assert_cmpint(item->subscription, ==, XMPP_ROSTER_SUBSCRIPTION_BOTH);
  g_assert_true(item->ask);
  g_assert_true(item->approved);
  /* Duplicates merged, empty names dropped. */
  g_assert_cmpuint(g_strv_length(item->groups), ==, 2);
  g_assert_true(xmpp_roster_item_in_group(item, "Friends"));
  g_assert_true(xmpp_roster_item_in_group(item, "Lovers"));

  g_autoptr(XmppRosterItem) plain = parse_item("<item xmlns='jabber:iq:roster' jid='a@b.test'/>");
  g_assert_null(plain->name);
  g_assert_cmpint(plain->subscription, ==, XMPP_ROSTER_SUBSCRIPTION_NONE);
  g_assert_false(plain->ask);
  g_assert_false(plain->approved);
  g_assert_cmpuint(g_strv_length(plain->groups), ==, 0);
}

static void
test_item_parse_invalid_jid(void)
{
  const char *bad[] = {"<item xmlns='jabber:iq:roster'/>",
                       "<item xmlns='jabber:iq:roster' jid=''/>",
                       "<item xmlns='jabber:iq:roster' jid='a@@b'/>",
                       "<item xmlns='jabber:iq:roster' jid='@example.test'/>"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(XmppNode) node = test_parse_element(bad[i]);
    g_autoptr(GError) error = NULL;
    g_assert_null(xmpp_roster_item_parse(node, &error));
    g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST);
  }
  /* Positive twin: a valid (IDN, case-mapped) jid. */
  g_autoptr(XmppRosterItem) ok =
      parse_item("<item xmlns='jabber:iq:roster' jid='ÉLISE@café.test'/>");
  g_assert_nonnull(ok);
  g_assert_cmpstr(xmpp_jid_get_bare(ok->jid), ==, "élise@café.test");
}

static void
test_item_limits(void)
{
  /* A name over the limit is cut on a character boundary (é is two bytes). */
  GString *xml = g_string_new("<item xmlns='jabber:iq:roster' jid='a@b.test' name='x");
  for (int i = 0; i < XMPP_ROSTER_MAX_NAME_BYTES; i++)
    g_string_append(xml, "é");
  g_string_append(xml, "'>");
  /* One group over the byte limit (dropped), one at the limit (kept). */
  g_string_append(xml, "<group>");
  for (int i = 0; i <= XMPP_ROSTER_MAX_GROUP_BYTES; i++)
    g_string_append_c(xml, 'g');
  g_string_append(xml, "</group><group>");
  for (int i = 0; i < XMPP_ROSTER_MAX_GROUP_BYTES; i++)
    g_string_append_c(xml, 'k');
  g_string_append(xml, "</group>");
  for (int i = 0; i < XMPP_ROSTER_MAX_GROUPS + 10; i++)
    g_string_append_printf(xml, "<group>g%d</group>", i);
  g_string_append(xml, "</item>");
  g_autoptr(XmppRosterItem) item = parse_item(xml->str);
  g_string_free(xml, TRUE);
  g_assert_nonnull(item);
  g_assert_cmpuint(strlen(item->name), <=, XMPP_ROSTER_MAX_NAME_BYTES);
  g_assert_cmpuint(strlen(item->name), >=, XMPP_ROSTER_MAX_NAME_BYTES - 1);
  g_assert_true(g_utf8_validate(item->name, -1, NULL));
  g_assert_cmpuint(g_strv_length(item->groups), ==, XMPP_ROSTER_MAX_GROUPS);
  g_assert_cmpuint(strlen(item->groups[0]), ==, XMPP_ROSTER_MAX_GROUP_BYTES);
}

static void
test_item_to_node(void)
{
  g_autoptr(XmppRosterItem) item = parse_item(
      "<item xmlns='jabber:iq:roster' jid='romeo@example.net' name='R&amp;J' subscription='to' "
      "ask='subscribe'><group>G</group></item>");
  /* For a set (§2.1.5): no subscription, ask or approved. */
  g_autoptr(XmppNode) set = xmpp_roster_item_to_node(item, FALSE);
  g_assert_cmpstr(xmpp_node_get_attr(set, "jid"), ==, "romeo@example.net");
  g_assert_cmpstr(xmpp_node_get_attr(set, "name"), ==, "R&J");
  g_assert_null(xmpp_node_get_attr(set, "subscription"));
  g_assert_null(xmpp_node_get_attr(set, "ask"));
  g_autofree char *group = xmpp_node_dup_child_text(set, XMPP_NS_ROSTER, "group");
  g_assert_cmpstr(group, ==, "G");
  /* With state it round-trips to an equal item. */
  g_autoptr(XmppNode) full = xmpp_roster_item_to_node(item, TRUE);
  g_autoptr(XmppRosterItem) back = xmpp_roster_item_parse(full, NULL);
  g_assert_true(xmpp_roster_item_equal(item, back));
  back->approved = TRUE;
  g_assert_false(xmpp_roster_item_equal(item, back));
}

static void
test_query_parse(void)
{
  g_autoptr(XmppNode) node = test_parse_element(
      "<query xmlns='jabber:iq:roster' ver='ver7'><item jid='a@x.test'/><item jid='b@x.test' "
      "subscription='from'/><item/><item jid='a@@x'/><other/></query>");
  g_autoptr(XmppRosterQuery) q = xmpp_roster_query_parse(node);
  g_assert_cmpstr(q->ver, ==, "ver7");
  g_assert_cmpuint(q->items->len, ==, 2);
  g_assert_cmpuint(q->n_dropped, ==, 2);
}

/* T52: a 50,001-item roster keeps the first 50,000. */
static void
test_query_T52_item_cap(void)
{
  g_autoptr(XmppNode) query = xmpp_node_new(XMPP_NS_ROSTER, "query");
  for (int i = 0; i < XMPP_ROSTER_MAX_ITEMS + 1; i++) {
    char jid[64];
    g_snprintf(jid, sizeof jid, "c%d@x.test", i);
    xmpp_node_set_attr(xmpp_node_new_child(query, NULL, "item"), "jid", jid);
  }
  g_autoptr(XmppRosterQuery) q = xmpp_roster_query_parse(query);
  g_assert_cmpuint(q->items->len, ==, XMPP_ROSTER_MAX_ITEMS);
  g_assert_cmpuint(q->n_dropped, ==, 1);
}

/* ---- fetch and versioning ----------------------------------------------------------------- */

static const char *
sent_query_ver(Fixture *f)
{
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "get");
  XmppNode *query = xmpp_node_get_child(iq, XMPP_NS_ROSTER, "query");
  g_assert_nonnull(query);
  return xmpp_node_get_attr(query, "ver");
}

static void
reply_to_last(Fixture *f, const char *payload)
{
  g_autofree char *xml =
      g_strdup_printf("<iq type='result' id='%s'>%s</iq>",
                      xmpp_node_get_attr(test_router_last_sent(f->t), "id"), payload);
  test_router_dispatch(f->t, xml);
}

static void
test_fetch_ver_attribute(Fixture *f, gconstpointer data)
{
  /* Server without versioning: no ver at all (§2.6.1). */
  xmpp_roster_fetch(f->roster, FALSE);
  g_assert_null(sent_query_ver(f));
  /* With versioning and nothing stored: ver='' bootstraps (§2.6.2). */
  xmpp_roster_fetch(f->roster, TRUE);
  g_assert_cmpstr(sent_query_ver(f), ==, "");
  /* With a stored version: that version. */
  xmpp_roster_set_cache(f->roster, "v42", NULL);
  xmpp_roster_fetch(f->roster, TRUE);
  g_assert_cmpstr(sent_query_ver(f), ==, "v42");
}

static GPtrArray *
items_of(const char *const *jids)
{
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = 0; jids[i] != NULL; i++) {
    g_autoptr(XmppJid) jid = xmpp_jid_parse(jids[i], NULL);
    g_ptr_array_add(items, xmpp_roster_item_new(jid, NULL, NULL));
  }
  return items;
}

static void
test_fetch_full_result(Fixture *f, gconstpointer data)
{
  const char *stored[] = {"old@x.test", "kept@x.test", NULL};
  xmpp_roster_set_cache(f->roster, "v1", items_of(stored));
  xmpp_roster_fetch(f->roster, TRUE);
  reply_to_last(f, "<query xmlns='jabber:iq:roster' ver='v2'><item jid='kept@x.test' name='K'/>"
                   "<item jid='new@x.test'><group>G</group></item></query>");
  g_assert_cmpstr(f->events->str, ==, "removed:old@x.test loaded:0 ");
  g_assert_cmpstr(xmpp_roster_get_version(f->roster), ==, "v2");
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 2);
  g_assert_true(xmpp_roster_is_loaded(f->roster));
  const XmppRosterItem *kept = xmpp_roster_lookup_str(f->roster, "Kept@X.test/res");
  g_assert_nonnull(kept);
  g_assert_cmpstr(kept->name, ==, "K");
  g_assert_null(xmpp_roster_lookup_str(f->roster, "old@x.test"));
}

/* §2.6.3: an empty result means "use the stored copy"; pushes then apply on top. */
static void
test_fetch_empty_result_uses_cache(Fixture *f, gconstpointer data)
{
  const char *stored[] = {"a@x.test", "b@x.test", NULL};
  xmpp_roster_set_cache(f->roster, "v1", items_of(stored));
  xmpp_roster_fetch(f->roster, TRUE);
  reply_to_last(f, "");
  g_assert_cmpstr(f->events->str, ==, "loaded:1 ");
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 2);
  g_assert_cmpstr(xmpp_roster_get_version(f->roster), ==, "v1");
  test_router_dispatch(f->t, "<iq type='set' id='p1'><query xmlns='jabber:iq:roster' ver='v2'>"
                             "<item jid='a@x.test' subscription='remove'/></query></iq>");
  test_router_dispatch(f->t, "<iq type='set' id='p2'><query xmlns='jabber:iq:roster' ver='v3'>"
                             "<item jid='c@x.test' subscription='both'/></query></iq>");
  g_assert_cmpstr(f->events->str, ==, "loaded:1 removed:a@x.test added:c@x.test ");
  g_assert_cmpstr(xmpp_roster_get_version(f->roster), ==, "v3");
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 2);
  g_assert_true(g_strstr_len(f->t->fake->log->str, -1, "0 items received") != NULL);
}

/* A full result to a fetch without ver forgets a stale stored version. */
static void
test_fetch_without_versioning_drops_version(Fixture *f, gconstpointer data)
{
  xmpp_roster_set_cache(f->roster, "stale", NULL);
  xmpp_roster_fetch(f->roster, FALSE);
  reply_to_last(f, "<query xmlns='jabber:iq:roster'><item jid='a@x.test'/></query>");
  g_assert_null(xmpp_roster_get_version(f->roster));
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 1);
}

static void
test_fetch_error(Fixture *f, gconstpointer data)
{
  xmpp_roster_fetch(f->roster, FALSE);
  g_autofree char *xml =
      g_strdup_printf("<iq type='error' id='%s'><error type='wait'><internal-server-error "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(test_router_last_sent(f->t), "id"));
  test_router_dispatch(f->t, xml);
  g_autofree char *expected =
      g_strdup_printf("failed:%d ", XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR);
  g_assert_cmpstr(f->events->str, ==, expected);
  g_assert_false(xmpp_roster_is_loaded(f->roster));
}

/* ---- pushes ------------------------------------------------------------------------------- */

static void
assert_last_reply(Fixture *f, const char *type, const char *id)
{
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, type);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, id);
}

/* T34: a push from a third party changes nothing and gets an error. */
static void
test_push_T34_roster_push_spoof(Fixture *f, gconstpointer data)
{
  const char *spoofs[] = {"mallory@evil.test",
                          "example.test",
                          "juliet@example.test.evil.test",
                          "romeo@example.test",
                          "juliet@evil.test/balcony",
                          "@@bad"};
  for (guint i = 0; i < G_N_ELEMENTS(spoofs); i++) {
    g_autofree char *xml =
        g_strdup_printf("<iq type='set' from='%s' id='p1'><query xmlns='jabber:iq:roster'><item "
                        "jid='mallory@evil.test' name='Alice' subscription='both'/></query></iq>",
                        spoofs[i]);
    test_router_dispatch(f->t, xml);
    assert_last_reply(f, "error", "p1");
    XmppNode *error = xmpp_node_get_child(test_router_last_sent(f->t), NULL, "error");
    g_assert_nonnull(xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, "service-unavailable"));
  }
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 0);
  g_assert_cmpstr(f->events->str, ==, "");
}

/* T35: no from, our bare JID in another case, and our full JID are all accepted. */
static void
test_push_T35_roster_push_positive_twin(Fixture *f, gconstpointer data)
{
  test_router_dispatch(
      f->t, "<iq type='set' id='p1'><query xmlns='jabber:iq:roster'><item jid='a@x.test' "
            "subscription='both'/></query></iq>");
  assert_last_reply(f, "result", "p1");
  g_assert_null(xmpp_node_get_attr(test_router_last_sent(f->t), "to"));
  test_router_dispatch(
      f->t, "<iq type='set' from='Juliet@Example.TEST' id='p2'><query xmlns='jabber:iq:roster'>"
            "<item jid='b@x.test'/></query></iq>");
  assert_last_reply(f, "result", "p2");
  test_router_dispatch(f->t,
                       "<iq type='set' from='juliet@example.test/balcony' id='p3'><query "
                       "xmlns='jabber:iq:roster'><item jid='a@x.test' name='A'/></query></iq>");
  assert_last_reply(f, "result", "p3");
  g_assert_cmpstr(f->events->str, ==, "added:a@x.test added:b@x.test updated:a@x.test ");
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 2);
  g_assert_cmpstr(xmpp_roster_lookup_str(f->roster, "a@x.test")->name, ==, "A");
}

static void
test_push_bad_request(Fixture *f, gconstpointer data)
{
  const char *bad[] = {
      "<query xmlns='jabber:iq:roster'><item jid='a@x.test'/><item jid='b@x.test'/></query>",
      "<query xmlns='jabber:iq:roster'/>",
      "<query xmlns='jabber:iq:roster'><item jid='a@@x'/></query>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *xml = g_strdup_printf("<iq type='set' id='b%u'>%s</iq>", i, bad[i]);
    g_autofree char *id = g_strdup_printf("b%u", i);
    test_router_dispatch(f->t, xml);
    assert_last_reply(f, "error", id);
    XmppNode *error = xmpp_node_get_child(test_router_last_sent(f->t), NULL, "error");
    g_assert_nonnull(xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, "bad-request"));
  }
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 0);
  g_assert_cmpstr(f->events->str, ==, "");
}

static void
test_push_same_item_is_silent(Fixture *f, gconstpointer data)
{
  const char *push = "<iq type='set' id='p'><query xmlns='jabber:iq:roster' ver='v9'><item "
                     "jid='a@x.test' name='A'><group>G</group></item></query></iq>";
  test_router_dispatch(f->t, push);
  test_router_dispatch(f->t, push);
  g_assert_cmpstr(f->events->str, ==, "added:a@x.test ");
  g_assert_cmpstr(xmpp_roster_get_version(f->roster), ==, "v9");
  /* Removing an unknown item is acknowledged and silent. */
  test_router_dispatch(f->t,
                       "<iq type='set' id='r'><query xmlns='jabber:iq:roster'><item jid='z@x.test' "
                       "subscription='remove'/></query></iq>");
  assert_last_reply(f, "result", "r");
  g_assert_cmpstr(f->events->str, ==, "added:a@x.test ");
}

/* T52: a full roster refuses new items from pushes, but still takes changes and removals. */
static void
test_push_T52_full_roster(Fixture *f, gconstpointer data)
{
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (int i = 0; i < XMPP_ROSTER_MAX_ITEMS; i++) {
    char s[64];
    g_snprintf(s, sizeof s, "c%d@x.test", i);
    g_autoptr(XmppJid) jid = xmpp_jid_parse(s, NULL);
    g_ptr_array_add(items, xmpp_roster_item_new(jid, NULL, NULL));
  }
  xmpp_roster_set_cache(f->roster, NULL, items);
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, XMPP_ROSTER_MAX_ITEMS);
  test_router_dispatch(
      f->t, "<iq type='set' id='n'><query xmlns='jabber:iq:roster'><item jid='new@x.test'/>"
            "</query></iq>");
  assert_last_reply(f, "error", "n");
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, XMPP_ROSTER_MAX_ITEMS);
  test_router_dispatch(
      f->t, "<iq type='set' id='u'><query xmlns='jabber:iq:roster'><item jid='c7@x.test' "
            "name='Seven'/></query></iq>");
  assert_last_reply(f, "result", "u");
  g_assert_cmpstr(xmpp_roster_lookup_str(f->roster, "c7@x.test")->name, ==, "Seven");
}

/* A roster get addressed to us is not ours to answer: the router refuses it. */
static void
test_push_get_refused(Fixture *f, gconstpointer data)
{
  test_router_dispatch(f->t, "<iq type='get' id='g'><query xmlns='jabber:iq:roster'/></iq>");
  assert_last_reply(f, "error", "g");
}

/* ---- requests ----------------------------------------------------------------------------- */

static void
on_request(const GError *error, gpointer data)
{
  Fixture *f = data;
  f->request_calls++;
  f->request_code = error != NULL ? error->code : -1;
}

static void
on_destroy(gpointer data)
{
  ((Fixture *)data)->destroyed++;
}

static void
test_request_set(Fixture *f, gconstpointer data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse("romeo@example.net", NULL);
  const char *groups[] = {"Friends", "Family", NULL};
  g_autoptr(XmppRosterItem) item = xmpp_roster_item_new(jid, "Romeo", groups);
  item->subscription = XMPP_ROSTER_SUBSCRIPTION_BOTH; /* never sent */
  xmpp_roster_request_set(f->roster, item, on_request, f, on_destroy);
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "set");
  g_assert_null(xmpp_node_get_attr(iq, "to"));
  XmppNode *query = xmpp_node_get_child(iq, XMPP_NS_ROSTER, "query");
  XmppNode *sent = xmpp_node_get_child(query, XMPP_NS_ROSTER, "item");
  g_assert_cmpstr(xmpp_node_get_attr(sent, "jid"), ==, "romeo@example.net");
  g_assert_cmpstr(xmpp_node_get_attr(sent, "name"), ==, "Romeo");
  g_assert_null(xmpp_node_get_attr(sent, "subscription"));
  g_autoptr(XmppRosterItem) back = xmpp_roster_item_parse(sent, NULL);
  g_assert_cmpuint(g_strv_length(back->groups), ==, 2);
  reply_to_last(f, "");
  g_assert_cmpuint(f->request_calls, ==, 1);
  g_assert_cmpint(f->request_code, ==, -1);
  g_assert_cmpuint(f->destroyed, ==, 1);
  /* The change itself comes as a push: the request does not touch the roster. */
  g_assert_cmpuint(xmpp_roster_n_items(f->roster), ==, 0);
}

static void
test_request_remove_error(Fixture *f, gconstpointer data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse("romeo@example.net", NULL);
  xmpp_roster_request_remove(f->roster, jid, on_request, f, on_destroy);
  XmppNode *item =
      xmpp_node_get_child(xmpp_node_get_child(test_router_last_sent(f->t), XMPP_NS_ROSTER, "query"),
                          XMPP_NS_ROSTER, "item");
  g_assert_cmpstr(xmpp_node_get_attr(item, "subscription"), ==, "remove");
  g_assert_null(xmpp_node_get_attr(item, "name"));
  g_autofree char *xml =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><item-not-found "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(test_router_last_sent(f->t), "id"));
  test_router_dispatch(f->t, xml);
  g_assert_cmpuint(f->request_calls, ==, 1);
  g_assert_cmpint(f->request_code, ==, XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_assert_cmpuint(f->destroyed, ==, 1);
}

/* A reply from someone else than our server is not the answer (T38 through the router). */
static void
test_request_spoofed_reply(Fixture *f, gconstpointer data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse("romeo@example.net", NULL);
  xmpp_roster_request_remove(f->roster, jid, on_request, f, on_destroy);
  g_autofree char *id = g_strdup(xmpp_node_get_attr(test_router_last_sent(f->t), "id"));
  g_autofree char *spoof =
      g_strdup_printf("<iq type='result' from='mallory@evil.test' id='%s'/>", id);
  test_router_dispatch(f->t, spoof);
  g_assert_cmpuint(f->request_calls, ==, 0);
  g_autofree char *real = g_strdup_printf("<iq type='result' id='%s'/>", id);
  test_router_dispatch(f->t, real);
  g_assert_cmpuint(f->request_calls, ==, 1);
}

/* The roster may go before the router: freeing it ends its own requests at once (CANCELLED,
 * exactly once, while it is whole), and a late reply finds nothing. */
static void
test_free_with_pending(void)
{
  TestRouter *t = test_router_new(NULL);
  Fixture f = {0};
  XmppRoster *roster = xmpp_roster_new(t->router, &t->fake->host);
  xmpp_roster_fetch(roster, TRUE);
  g_autoptr(XmppJid) jid = xmpp_jid_parse("romeo@example.net", NULL);
  xmpp_roster_request_remove(roster, jid, on_request, &f, on_destroy);
  g_assert_cmpuint(xmpp_router_n_pending(t->router), ==, 2);
  xmpp_roster_free(roster);
  g_assert_cmpuint(xmpp_router_n_pending(t->router), ==, 0);
  g_assert_cmpuint(f.request_calls, ==, 1);
  g_assert_cmpint(f.request_code, ==, XMPP_IQ_ERROR_CANCELLED);
  g_assert_cmpuint(f.destroyed, ==, 1);
  test_router_answer_last(t, ""); /* the server answers anyway: ignored */
  test_router_free(t);
  g_assert_cmpuint(f.request_calls, ==, 1);
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/roster/subscription/strings", test_subscription_strings);
  g_test_add_func("/roster/item/parse", test_item_parse);
  g_test_add_func("/roster/item/parse_invalid_jid", test_item_parse_invalid_jid);
  g_test_add_func("/roster/item/limits", test_item_limits);
  g_test_add_func("/roster/item/to_node", test_item_to_node);
  g_test_add_func("/roster/query/parse", test_query_parse);
  g_test_add_func("/roster/query/T52_item_cap", test_query_T52_item_cap);
  ADD("/roster/fetch/ver_attribute", test_fetch_ver_attribute);
  ADD("/roster/fetch/full_result", test_fetch_full_result);
  ADD("/roster/fetch/empty_result_uses_cache", test_fetch_empty_result_uses_cache);
  ADD("/roster/fetch/without_versioning_drops_version",
      test_fetch_without_versioning_drops_version);
  ADD("/roster/fetch/error", test_fetch_error);
  ADD("/roster/push/T34_roster_push_spoof", test_push_T34_roster_push_spoof);
  ADD("/roster/push/T35_roster_push_positive_twin", test_push_T35_roster_push_positive_twin);
  ADD("/roster/push/bad_request", test_push_bad_request);
  ADD("/roster/push/same_item_is_silent", test_push_same_item_is_silent);
  ADD("/roster/push/T52_full_roster", test_push_T52_full_roster);
  ADD("/roster/push/get_refused", test_push_get_refused);
  ADD("/roster/request/set", test_request_set);
  ADD("/roster/request/remove_error", test_request_remove_error);
  ADD("/roster/request/spoofed_reply", test_request_spoofed_reply);
  g_test_add_func("/roster/free_with_pending", test_free_with_pending);
  return g_test_run();
}
