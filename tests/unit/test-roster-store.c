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

static XmppRosterItem *
item_new(const char *jid_str, const char *name, const char *const *groups)
{
  g_autoptr(XmppJid) jid = xmpp_jid_parse(jid_str, NULL);
  g_assert_nonnull(jid);
  return xmpp_roster_item_new(jid, name, groups);
}

/* Items whose names and groups hold everything the format must escape or carry. */
static GPtrArray *
make_items(guint n)
{
  static const char *const names[] = {
      "tab\there",
      "line\nfeed",
      "cr\rlf\n",
      "back\\slash\\",
      "\\t not a tab",
      "é ü 日本 🎵",
      "ctl\x01\x1f\x7f",
      "x\\x41",
      "",
      NULL,
  };
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = 0; i < n; i++) {
    /* Some with a resource holding a backslash: the JID field is escaped too. */
    g_autofree char *s = i % 13 == 0 ? g_strdup_printf("contact%u@example.test/res\\%u", i, i)
                                     : g_strdup_printf("contact%u@example.test", i);
    g_autofree char *name = g_strdup_printf("%s %u", names[i % 8], i);
    g_autofree char *g1 = g_strdup_printf("Group\t%u", i % 10);
    const char *groups[70] = {g1, "Shared\\Co\n", "Ünïcödé"};
    char *many[61] = {NULL};
    if (i % 100 == 0) /* many groups: all the limit allows */
      for (guint g = 0; g < G_N_ELEMENTS(many); g++)
        groups[3 + g] = many[g] = g_strdup_printf("g%u", g);
    const char *the_name = i % 10 >= 8 ? names[i % 10] : name; /* "" and NULL */
    XmppRosterItem *item = item_new(s, the_name, i % 3 == 0 ? NULL : groups);
    item->subscription = (XmppRosterSubscription)(i % 4);
    item->ask = i % 5 == 0;
    item->approved = i % 11 == 0;
    g_ptr_array_add(items, item);
    for (guint g = 0; g < G_N_ELEMENTS(many); g++)
      g_free(many[g]);
  }
  return items;
}

static GPtrArray *
copy_items(GPtrArray *items)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add(copy, xmpp_roster_item_copy(items->pdata[i]));
  return copy;
}

/* 1,000 items with every field through serialise and load: the same roster comes back. */
static void
test_round_trip_1000(void)
{
  Env *a = env_new();
  GPtrArray *items = make_items(1000);
  GPtrArray *expected = copy_items(items);
  const char *ver = "ver\t'1'\\&<2>\n\r\x01é";
  xmpp_roster_set_cache(a->roster, ver, items);
  gsize len = 0;
  g_autofree char *bytes = xmpp_roster_store_serialize(a->roster, &len);
  g_assert_cmpuint(len, ==, strlen(bytes));
  g_assert_true(g_utf8_validate(bytes, len, NULL));

  Env *b = env_new();
  g_autoptr(GError) error = NULL;
  g_assert_true(xmpp_roster_store_load(b->roster, bytes, len, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(xmpp_roster_get_version(b->roster), ==, ver);
  g_assert_cmpuint(xmpp_roster_n_items(b->roster), ==, 1000);
  guint with_name = 0, many_groups = 0, ask = 0, approved = 0;
  for (guint i = 0; i < expected->len; i++) {
    const XmppRosterItem *want = expected->pdata[i];
    const XmppRosterItem *got = xmpp_roster_lookup(b->roster, want->jid);
    g_assert_nonnull(got);
    g_assert_true(xmpp_roster_item_equal(want, got));
    with_name += got->name != NULL;
    many_groups += g_strv_length(got->groups) == XMPP_ROSTER_MAX_GROUPS;
    ask += got->ask;
    approved += got->approved;
  }
  /* The data really covered what it claims to. */
  g_assert_cmpuint(with_name, ==, 800);
  g_assert_cmpuint(many_groups, ==, 6); /* i % 100 == 0 and i % 3 != 0 */
  g_assert_cmpuint(ask, ==, 200);
  g_assert_cmpuint(approved, ==, 91);
  /* The model has no empty names: "" and absent are the same (no name). */
  const XmppRosterItem *empty = xmpp_roster_lookup_str(b->roster, "contact8@example.test");
  g_assert_null(empty->name);
  /* Loading does not mean the server confirmed it. */
  g_assert_false(xmpp_roster_is_loaded(b->roster));
  g_ptr_array_unref(expected);
  env_free(a);
  env_free(b);
}

/* serialise -> parse -> serialise gives the same bytes, whatever order the items came in. */
static void
test_deterministic(void)
{
  Env *a = env_new(), *b = env_new(), *c = env_new();
  GPtrArray *items = make_items(300);
  GPtrArray *reversed = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  for (guint i = items->len; i > 0; i--)
    g_ptr_array_add(reversed, xmpp_roster_item_copy(items->pdata[i - 1]));
  xmpp_roster_set_cache(a->roster, "v1", items);
  xmpp_roster_set_cache(c->roster, "v1", reversed);
  gsize len1 = 0, len2 = 0, len3 = 0;
  g_autofree char *first = xmpp_roster_store_serialize(a->roster, &len1);
  g_assert_true(xmpp_roster_store_load(b->roster, first, len1, NULL));
  g_autofree char *second = xmpp_roster_store_serialize(b->roster, &len2);
  g_autofree char *third = xmpp_roster_store_serialize(c->roster, &len3);
  g_assert_cmpuint(len1, ==, len2);
  g_assert_cmpmem(first, len1, second, len2);
  g_assert_cmpmem(first, len1, third, len3);
  env_free(a);
  env_free(b);
  env_free(c);
}

static void
test_round_trip_empty(void)
{
  Env *a = env_new();
  g_autofree char *bytes = xmpp_roster_store_serialize(a->roster, NULL);
  g_assert_cmpstr(bytes, ==, "lyre-roster 2\nver\nend\t0\n");
  char *ver = (char *)"sentinel";
  GPtrArray *items = NULL;
  g_assert_true(xmpp_roster_store_parse(bytes, strlen(bytes), &ver, &items, NULL));
  g_assert_null(ver);
  g_assert_cmpuint(items->len, ==, 0);
  g_ptr_array_unref(items);
  /* An empty version is a version (RFC 6121 §2.6.2), not none. */
  xmpp_roster_set_cache(a->roster, "", NULL);
  g_autofree char *bytes2 = xmpp_roster_store_serialize(a->roster, NULL);
  g_assert_cmpstr(bytes2, ==, "lyre-roster 2\nver\t\nend\t0\n");
  g_assert_true(xmpp_roster_store_parse(bytes2, strlen(bytes2), &ver, NULL, NULL));
  g_assert_cmpstr(ver, ==, "");
  g_free(ver);
  env_free(a);
}

/* The exact bytes: the format is what the header comment says (a file between versions). */
static void
test_format(void)
{
  Env *e = env_new();
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  const char *groups[] = {"Friends", "a\tb\\c", NULL};
  XmppRosterItem *item = item_new("romeo@example.net", "Romeo\n\x01", groups);
  item->subscription = XMPP_ROSTER_SUBSCRIPTION_BOTH;
  item->ask = item->approved = TRUE;
  g_ptr_array_add(items, item);
  item = item_new("benvolio@example.net", NULL, NULL);
  item->subscription = XMPP_ROSTER_SUBSCRIPTION_FROM;
  item->approved = TRUE;
  g_ptr_array_add(items, item);
  /* A removal is never stored. */
  item = item_new("tybalt@example.net", NULL, NULL);
  item->subscription = XMPP_ROSTER_SUBSCRIPTION_REMOVE;
  g_ptr_array_add(items, item);
  xmpp_roster_set_cache(e->roster, "v\\7", items);
  g_autofree char *bytes = xmpp_roster_store_serialize(e->roster, NULL);
  g_assert_cmpstr(bytes, ==,
                  "lyre-roster 2\n"
                  "ver\tv\\\\7\n"
                  "benvolio@example.net\tfrom\tp\t\n"
                  "romeo@example.net\tboth\tap\tRomeo\\n\\x01\tFriends\ta\\tb\\\\c\n"
                  "end\t2\n");
  env_free(e);
}

/* A one-item file around an item line, with a given header and end line. */
static char *
file_with(const char *header, const char *item_line, const char *end)
{
  return g_strdup_printf("%sver\tv\n%s\n%s", header, item_line, end);
}

static void
assert_refused(Env *e, const char *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_roster_store_load(e->roster, data, len, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_cmpstr(xmpp_roster_get_version(e->roster), ==, "keep");
  g_assert_cmpuint(xmpp_roster_n_items(e->roster), ==, 3);
}

static void
assert_accepted(const char *data)
{
  Env *e = env_new();
  g_autoptr(GError) error = NULL;
  g_assert_true(xmpp_roster_store_load(e->roster, data, strlen(data), &error));
  g_assert_no_error(error);
  g_assert_cmpuint(xmpp_roster_n_items(e->roster), ==, 1);
  env_free(e);
}

/* Each kind of malformed line refuses the whole copy (the glue then fetches the full roster)
 * and leaves the roster as it was; its positive twin, one detail away, loads. */
static void
test_corrupt_refused(void)
{
  static const struct {
    const char *what, *bad, *good;
  } lines[] = {
      {"unknown escape", "a@x.test\tboth\t-\tA\\qB", "a@x.test\tboth\t-\tA\\tB"},
      {"escape at the end", "a@x.test\tboth\t-\tA\\", "a@x.test\tboth\t-\tA\\\\"},
      {"hex escape of a printable", "a@x.test\tboth\t-\t\\x41", "a@x.test\tboth\t-\t\\x01"},
      {"hex escape of NUL", "a@x.test\tboth\t-\t\\x00", "a@x.test\tboth\t-\t\\x7f"},
      {"hex escape with a short form", "a@x.test\tboth\t-\t\\x0a", "a@x.test\tboth\t-\t\\n"},
      {"uppercase hex escape", "a@x.test\tboth\t-\t\\x1F", "a@x.test\tboth\t-\t\\x1f"},
      {"short hex escape", "a@x.test\tboth\t-\t\\x1", "a@x.test\tboth\t-\t\\x1b"},
      {"invalid UTF-8", "a@x.test\tboth\t-\tA\xff", "a@x.test\tboth\t-\tA\xc3\xa9"},
      {"overlong UTF-8", "a@x.test\tboth\t-\tG\t\xc0\xaf", "a@x.test\tboth\t-\tG\t\xc2\xaf"},
      {"raw control character", "a@x.test\tboth\t-\tA\rB", "a@x.test\tboth\t-\tA\\rB"},
      {"bad JID", "@x.test\tboth\t-\t", "a@x.test\tboth\t-\t"},
      {"empty JID", "\tboth\t-\t", "x.test\tboth\t-\t"},
      {"non-normalised JID", "A@X.test\tboth\t-\t", "a@x.test\tboth\t-\t"},
      {"escaped JID", "a\\t@x.test\tboth\t-\t", "a\\\\@x.test\tboth\t-\t"},
      {"bad subscription", "a@x.test\tBoth\t-\t", "a@x.test\tboth\t-\t"},
      {"remove is never stored", "a@x.test\tremove\t-\t", "a@x.test\tnone\t-\t"},
      {"bad flags", "a@x.test\tto\tpa\t", "a@x.test\tto\tap\t"},
      {"empty flags", "a@x.test\tto\t\t", "a@x.test\tto\ta\t"},
      {"too few fields", "a@x.test\tboth\t-", "a@x.test\tboth\t-\t"},
  };
  Env *e = env_new();
  xmpp_roster_set_cache(e->roster, "keep", make_items(3));
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
    g_test_message("%s", lines[i].what);
    g_autofree char *bad = file_with("lyre-roster 2\n", lines[i].bad, "end\t1\n");
    g_autofree char *good = file_with("lyre-roster 2\n", lines[i].good, "end\t1\n");
    assert_refused(e, bad, strlen(bad));
    assert_accepted(good);
  }
  const char *line = "a@x.test\tboth\t-\tA";
  static const struct {
    const char *what, *header, *end;
  } frames[] = {
      {"format 3", "lyre-roster 3\n", "end\t1\n"},
      {"no header", "", "end\t1\n"},
      {"CRLF header", "lyre-roster 2\r\n", "end\t1\n"},
      {"wrong count", "lyre-roster 2\n", "end\t2\n"},
      {"count with a leading zero", "lyre-roster 2\n", "end\t01\n"},
      {"no end line", "lyre-roster 2\n", ""},
      {"data after the end line", "lyre-roster 2\n", "end\t1\nb@x.test\tboth\t-\t\n"},
      {"no final newline", "lyre-roster 2\n", "end\t1"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(frames); i++) {
    g_test_message("%s", frames[i].what);
    g_autofree char *bad = file_with(frames[i].header, line, frames[i].end);
    assert_refused(e, bad, strlen(bad));
  }
  g_autofree char *good = file_with("lyre-roster 2\n", line, "end\t1\n");
  assert_accepted(good);
  /* Not the version line second. */
  const char *no_ver = "lyre-roster 2\na@x.test\tboth\t-\t\nend\t1\n";
  assert_refused(e, no_ver, strlen(no_ver));
  const char *two_ver = "lyre-roster 2\nver\ta\tb\nend\t0\n";
  assert_refused(e, two_ver, strlen(two_ver));
  /* Empty, a bare header, garbage, and a NUL inside. */
  assert_refused(e, "", 0);
  assert_refused(e, "lyre-roster 2\n", 14);
  assert_refused(e, "garbage\n", 8);
  assert_refused(e, "lyre-roster 2\nver\0\nend\t0\n", 25);
  env_free(e);
}

/* Every truncation of a good file, at any byte (a line boundary included), is refused. */
static void
test_truncated_refused(void)
{
  Env *src = env_new();
  xmpp_roster_set_cache(src->roster, "v9", make_items(4));
  gsize len = 0;
  g_autofree char *good = xmpp_roster_store_serialize(src->roster, &len);
  Env *e = env_new();
  xmpp_roster_set_cache(e->roster, "keep", make_items(3));
  for (gsize cut = 0; cut < len; cut++)
    assert_refused(e, good, cut);
  /* Positive twin: all of it loads. */
  g_assert_true(xmpp_roster_store_load(e->roster, good, len, NULL));
  g_assert_cmpuint(xmpp_roster_n_items(e->roster), ==, 4);
  env_free(src);
  env_free(e);
}

/* The XML format of earlier versions is refused cleanly (no crash, no partial load): the
 * glue then fetches the whole roster once and stores the new format. */
static void
test_old_xml_format_refused(void)
{
  Env *e = env_new();
  xmpp_roster_set_cache(e->roster, "keep", make_items(3));
  const char *old[] = {
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>\n"
      "<roster xmlns='urn:xmpp:lyre:roster-store:1' ver='v1'/>\n"
      "<item xmlns='jabber:iq:roster' jid='romeo@example.net' subscription='both'/>\n"
      "</stream:stream>\n",
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
      "<roster xmlns='urn:xmpp:lyre:roster-store:1'/></stream:stream>\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(old); i++)
    assert_refused(e, old[i], strlen(old[i]));
  env_free(e);
}

/* What an item line carries is cleaned exactly as an <item/> from the network is
 * (xmpp_roster_item_parse): long names cut at a character boundary, long, empty or duplicate
 * groups dropped, groups beyond the limit dropped; a long version is not kept. */
static void
test_limits_like_network(void)
{
  /* A name one byte over the limit that ends in a two-byte character: cut before it. */
  GString *name = g_string_new(NULL);
  while (name->len < XMPP_ROSTER_MAX_NAME_BYTES - 1)
    g_string_append_c(name, 'n');
  g_string_append(name, "é");
  g_autofree char *long_group = g_strnfill(XMPP_ROSTER_MAX_GROUP_BYTES + 1, 'g');
  g_autofree char *max_group = g_strnfill(XMPP_ROSTER_MAX_GROUP_BYTES, 'h');
  GString *line = g_string_new("a@x.test\tto\t-\t");
  g_string_append(line, name->str);
  g_autoptr(XmppNode) node = xmpp_node_new(XMPP_NS_ROSTER, "item");
  xmpp_node_set_attr(node, "jid", "a@x.test");
  xmpp_node_set_attr(node, "name", name->str);
  xmpp_node_set_attr(node, "subscription", "to");
  const char *extra[] = {long_group, max_group, "", "dup", "dup"};
  for (guint i = 0; i < G_N_ELEMENTS(extra); i++) {
    g_string_append_printf(line, "\t%s", extra[i]);
    xmpp_node_new_text_child(node, XMPP_NS_ROSTER, "group", extra[i]);
  }
  for (guint i = 0; i < XMPP_ROSTER_MAX_GROUPS + 6; i++) {
    g_autofree char *g = g_strdup_printf("G%u", i);
    g_string_append_printf(line, "\t%s", g);
    xmpp_node_new_text_child(node, XMPP_NS_ROSTER, "group", g);
  }
  g_autofree char *long_ver = g_strnfill(XMPP_ROSTER_MAX_VER_BYTES + 1, 'v');
  g_autofree char *data =
      g_strdup_printf("lyre-roster 2\nver\t%s\n%s\nend\t1\n", long_ver, line->str);
  char *ver = (char *)"sentinel";
  GPtrArray *items = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true(xmpp_roster_store_parse(data, strlen(data), &ver, &items, &error));
  g_assert_no_error(error);
  g_assert_null(ver); /* over the limit: not kept, so the next fetch is a full one */
  g_assert_cmpuint(items->len, ==, 1);
  const XmppRosterItem *got = items->pdata[0];
  g_autoptr(XmppRosterItem) net = xmpp_roster_item_parse(node, NULL);
  g_assert_true(xmpp_roster_item_equal(got, net));
  g_assert_cmpuint(strlen(got->name), ==, XMPP_ROSTER_MAX_NAME_BYTES - 1);
  g_assert_cmpuint(g_strv_length(got->groups), ==, XMPP_ROSTER_MAX_GROUPS);
  g_assert_cmpstr(got->groups[0], ==, max_group); /* the long one dropped, the max one kept */
  g_assert_cmpstr(got->groups[1], ==, "dup");
  g_ptr_array_unref(items);
  /* Positive twin: a version of exactly the limit is kept. */
  g_autofree char *max_ver = g_strnfill(XMPP_ROSTER_MAX_VER_BYTES, 'v');
  g_autofree char *data2 = g_strdup_printf("lyre-roster 2\nver\t%s\nend\t0\n", max_ver);
  g_assert_true(xmpp_roster_store_parse(data2, strlen(data2), &ver, NULL, NULL));
  g_assert_cmpstr(ver, ==, max_ver);
  g_free(ver);
  /* An over-long JID is not a JID: the copy is refused (twin: a localpart at the limit). */
  g_autofree char *local = g_strnfill(XMPP_JID_MAX_PART_BYTES, 'l');
  g_autofree char *ok_jid =
      g_strdup_printf("lyre-roster 2\nver\n%s@x.test\tnone\t-\t\nend\t1\n", local);
  g_autofree char *long_jid =
      g_strdup_printf("lyre-roster 2\nver\n%sl@x.test\tnone\t-\t\nend\t1\n", local);
  g_assert_true(xmpp_roster_store_parse(ok_jid, strlen(ok_jid), NULL, NULL, NULL));
  g_assert_false(xmpp_roster_store_parse(long_jid, strlen(long_jid), NULL, NULL, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_string_free(name, TRUE);
  g_string_free(line, TRUE);
}

/* T52: a stored file with more items than the limit is refused as a whole. */
static void
test_T52_item_cap(void)
{
  GString *s = g_string_new("lyre-roster 2\nver\tv\n");
  for (int i = 0; i < XMPP_ROSTER_MAX_ITEMS; i++)
    g_string_append_printf(s, "c%d@x.test\tnone\t-\t\n", i);
  GString *over = g_string_new(s->str);
  g_string_append(over, "one-more@x.test\tnone\t-\t\n");
  g_string_append_printf(s, "end\t%d\n", XMPP_ROSTER_MAX_ITEMS);
  g_string_append_printf(over, "end\t%d\n", XMPP_ROSTER_MAX_ITEMS + 1);
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
  g_test_add_func("/roster-store/deterministic", test_deterministic);
  g_test_add_func("/roster-store/round_trip_empty", test_round_trip_empty);
  g_test_add_func("/roster-store/format", test_format);
  g_test_add_func("/roster-store/corrupt_refused", test_corrupt_refused);
  g_test_add_func("/roster-store/truncated_refused", test_truncated_refused);
  g_test_add_func("/roster-store/old_xml_format_refused", test_old_xml_format_refused);
  g_test_add_func("/roster-store/limits_like_network", test_limits_like_network);
  g_test_add_func("/roster-store/T52_item_cap", test_T52_item_cap);
  return g_test_run();
}
