/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the roster (RFC 6121 §2, im/roster.c) driven through the router as the
 * session drives it: a fetch (with or without versioning) that the input answers with a full
 * result, an empty "unchanged" result or an error; pushes from our account or from anyone
 * else; set and remove requests the input answers. Every item the model keeps is checked
 * against the model's rules, and the stored copy of whatever the network left (roster-store.c)
 * must read back as the same roster and serialise to the same bytes.
 *
 * The first input byte is the mode: bit 0 versioning, bit 1 start from a stored roster, bit 2
 * set and remove requests, bit 3 a second fetch, bit 4 requests end by timeout, else bit 5 by
 * the roster's own free, else by the session closing. The rest is a stream of stanzas (see
 * fuzz-harness.h). */
#include <stdio.h>
#include <string.h>

#include "fuzz-harness.h"
#include "im/roster.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define STORED                                                                                     \
  "lyre-roster 2\nver\tv1\n"                                                                       \
  "romeo@example.net\tboth\t-\tRomeo\tFriends\tLovers\n"                                           \
  "nurse@example.com\tto\ta\tNurse\tHouse\\tHold\n"                                                \
  "benvolio@example.net\tnone\tap\t\n"                                                             \
  "end\t3\n"

static void
check_item(const XmppRosterItem *item)
{
  fuzz_check(item != NULL && item->jid != NULL, "a roster item has a JID");
  fuzz_check(item->subscription <= XMPP_ROSTER_SUBSCRIPTION_BOTH, "no removal is kept as state");
  fuzz_check(item->name == NULL ||
                 (*item->name != '\0' && strlen(item->name) <= XMPP_ROSTER_MAX_NAME_BYTES),
             "a roster name is absent or within its limit");
  fuzz_check_utf8(item->name, "a roster name");
  guint n = g_strv_length(item->groups);
  fuzz_check(n <= XMPP_ROSTER_MAX_GROUPS, "groups within the limit");
  for (guint i = 0; i < n; i++) {
    const char *g = item->groups[i];
    fuzz_check(*g != '\0' && strlen(g) <= XMPP_ROSTER_MAX_GROUP_BYTES, "a group name is valid");
    fuzz_check_utf8(g, "a group name");
    for (guint j = 0; j < i; j++)
      fuzz_check(strcmp(item->groups[j], g) != 0, "no duplicate groups");
  }
  /* What we would store or send reads back as the same item. */
  XmppNode *node = xmpp_roster_item_to_node(item, TRUE);
  XmppRosterItem *again = xmpp_roster_item_parse(node, NULL);
  fuzz_check(xmpp_roster_item_equal(item, again), "a roster item reads back from its element");
  xmpp_roster_item_free(again);
  xmpp_node_free(node);
}

/* Lookups go by bare JID first: an item with a resource is found as itself only when no item
 * has its bare JID. */
static void
check_lookup(const XmppRoster *roster, const XmppRosterItem *item)
{
  const XmppRosterItem *found = xmpp_roster_lookup(roster, item->jid);
  fuzz_check(found != NULL, "every item is found");
  fuzz_check(found == item || !xmpp_jid_is_bare(item->jid), "an item is found by its JID");
}

static void
check_roster(const XmppRoster *roster)
{
  fuzz_check(xmpp_roster_n_items(roster) <= XMPP_ROSTER_MAX_ITEMS, "roster within its limit");
  const char *ver = xmpp_roster_get_version(roster);
  fuzz_check(ver == NULL || strlen(ver) <= XMPP_ROSTER_MAX_VER_BYTES, "version within its limit");
  GList *items = xmpp_roster_get_items(roster);
  for (GList *l = items; l != NULL; l = l->next) {
    const XmppRosterItem *item = l->data;
    check_item(item);
    check_lookup(roster, item);
  }
  g_list_free(items);
}

typedef struct {
  XmppRoster *roster;
  guint events;
} Run;

static void
on_loaded(gpointer data, gboolean unchanged)
{
  Run *run = data;
  run->events++;
  fuzz_check(xmpp_roster_is_loaded(run->roster), "loaded means loaded");
  check_roster(run->roster);
}

static void
on_fetch_failed(gpointer data, const GError *error)
{
  fuzz_check(error != NULL, "a failed fetch says why");
}

static void
on_item_updated(gpointer data, const XmppRosterItem *item, gboolean added)
{
  Run *run = data;
  run->events++;
  check_item(item);
  check_lookup(run->roster, item);
}

static void
on_item_removed(gpointer data, const XmppRosterItem *item)
{
  check_item(item);
}

static const XmppRosterEvents events = {
    .loaded = on_loaded,
    .fetch_failed = on_fetch_failed,
    .item_updated = on_item_updated,
    .item_removed = on_item_removed,
};

static void
on_request_done(const GError *error, gpointer user_data)
{
  guint *calls = user_data;
  (*calls)++;
}

/* roster -> bytes -> a new roster -> bytes: the same items, version and bytes. */
static void
check_store(XmppRouter *router, const XmppHost *host, const XmppRoster *roster)
{
  gsize len = 0, len_again = 0;
  char *bytes = xmpp_roster_store_serialize(roster, &len);
  fuzz_check(strlen(bytes) == len, "the stored roster has no NUL byte");
  XmppRoster *again = xmpp_roster_new(router, host);
  GError *error = NULL;
  if (!xmpp_roster_store_load(again, bytes, len, &error)) {
    fprintf(stderr, "%s\n%s\n", error->message, bytes);
    fuzz_check(FALSE, "the stored roster reads back");
  }
  fuzz_check(g_strcmp0(xmpp_roster_get_version(again), xmpp_roster_get_version(roster)) == 0,
             "the stored version reads back");
  fuzz_check(xmpp_roster_n_items(again) == xmpp_roster_n_items(roster),
             "every stored item reads back");
  GHashTable *by_jid = g_hash_table_new(g_str_hash, g_str_equal);
  GList *read = xmpp_roster_get_items(again);
  for (GList *l = read; l != NULL; l = l->next)
    g_hash_table_insert(by_jid, (gpointer)xmpp_jid_get_full(((XmppRosterItem *)l->data)->jid),
                        l->data);
  g_list_free(read);
  GList *items = xmpp_roster_get_items(roster);
  for (GList *l = items; l != NULL; l = l->next) {
    const XmppRosterItem *item = l->data;
    fuzz_check(
        xmpp_roster_item_equal(g_hash_table_lookup(by_jid, xmpp_jid_get_full(item->jid)), item),
        "a stored item reads back the same");
  }
  g_list_free(items);
  g_hash_table_unref(by_jid);
  char *bytes_again = xmpp_roster_store_serialize(again, &len_again);
  fuzz_check(len == len_again && memcmp(bytes, bytes_again, len) == 0,
             "the stored roster serialises to the same bytes");
  g_free(bytes_again);
  xmpp_roster_free(again);
  g_free(bytes);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  guint8 mode = data[0];
  FuzzHarness *h = fuzz_harness_new("juliet@example.test/balcony");
  XmppRoster *roster = xmpp_roster_new(h->router, &h->fake->host);
  Run run = {roster, 0};
  xmpp_roster_set_events(roster, &events, &run);
  if (mode & 2)
    fuzz_check(xmpp_roster_store_load(roster, STORED, strlen(STORED), NULL),
               "the seed store loads");
  xmpp_roster_fetch(roster, (mode & 1) != 0);
  guint request_calls = 0;
  if (mode & 4) {
    XmppJid *jid = xmpp_jid_parse("romeo@example.net", NULL);
    const char *groups[] = {"Friends", "Verona", NULL};
    XmppRosterItem *item = xmpp_roster_item_new(jid, "Romeo M.", groups);
    xmpp_roster_request_set(roster, item, on_request_done, &request_calls, NULL);
    xmpp_roster_request_remove(roster, jid, on_request_done, &request_calls, NULL);
    xmpp_roster_item_free(item);
    xmpp_jid_free(jid);
  }
  if (mode & 8)
    xmpp_roster_fetch(roster, (mode & 1) != 0);
  fuzz_harness_feed(h, data + 1, size - 1);
  check_roster(roster);
  check_store(h->router, &h->fake->host, roster);
  fuzz_harness_end(h, (mode & 16)   ? FUZZ_END_TIMEOUT
                      : (mode & 32) ? FUZZ_END_FREE
                                    : FUZZ_END_CLOSE);
  xmpp_roster_free(roster);
  fuzz_check(request_calls == ((mode & 4) ? 2u : 0u), "every request ends exactly once");
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  fuzz_harness_free(h);
  return 0;
}
