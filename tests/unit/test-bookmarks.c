/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppBookmark and XmppBookmarks: both stores' formats (XEP-0402 items, XEP-0048 storage),
 * reading at sign-in, storing the user's changes, the other devices' live changes, and T42:
 * anyone else's bookmark notifications change nothing of ours (with the positive twin). */
#include <string.h>

#include "muc/bookmarks.h"
#include "parse-helper.h"
#include "router-fixture.h"
#include "xml/writer.h"

#define OWN  "juliet@capulet.example/balcony"
#define BARE "juliet@capulet.example"
#define ROOM "theplay@conference.shakespeare.example"

#define CONF "<conference xmlns='urn:xmpp:bookmarks:1'"
#define EVENT                                                                                      \
  "<message from='%s' to='" OWN "' type='headline'>"                                               \
  "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>%s"   \
  "</items></event></message>"

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  XmppPep *pep;
  XmppBookmarks *bookmarks;
  GString *log;
} Fixture;

static void
ev_loaded(gpointer data)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "loaded[%u]", xmpp_bookmarks_count(f->bookmarks));
}

static void
ev_changed(gpointer data, const XmppBookmark *b, gboolean is_new)
{
  g_string_append_printf(((Fixture *)data)->log, "%s[%s|%s|%d|%s]", is_new ? "new" : "changed",
                         b->room, b->name ? b->name : "-", b->autojoin, b->nick ? b->nick : "-");
}

static void
ev_removed(gpointer data, const char *room)
{
  g_string_append_printf(((Fixture *)data)->log, "removed[%s]", room);
}

static const XmppBookmarksEvents events = {
    .loaded = ev_loaded, .changed = ev_changed, .removed = ev_removed};

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new(OWN);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
  f->pep = xmpp_pep_new(f->t->router, &f->t->fake->host, f->disco);
  f->bookmarks = xmpp_bookmarks_new(f->t->router, &f->t->fake->host, f->pep);
  f->log = g_string_new(NULL);
  xmpp_bookmarks_set_events(f->bookmarks, &events, f);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_bookmarks_free(f->bookmarks);
  xmpp_pep_free(f->pep);
  xmpp_disco_free(f->disco);
  test_router_free(f->t);
  g_string_free(f->log, TRUE);
}

/* The XML made by printf, dispatched as if received. */
#define dispatchf(f, ...) test_router_dispatchf((f)->t, __VA_ARGS__)

static char *
last_sent(Fixture *f)
{
  return test_router_dup_sent_string(f->t, test_router_n_sent(f->t) - 1);
}

static void
answer_error(Fixture *f, const char *condition)
{
  const char *id = xmpp_node_get_attr(test_router_last_sent(f->t), "id");
  dispatchf(f,
            "<iq type='error' id='%s'><error type='cancel'><%s "
            "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            id, condition);
}

/* Reads the bookmarks from PEP: the orchard (autojoin, a nick) and the play. */
static void
load_pep(Fixture *f)
{
  xmpp_bookmarks_load(f->bookmarks, TRUE);
  g_autofree char *get = last_sent(f);
  g_assert_nonnull(strstr(get, "type='get'"));
  g_assert_nonnull(strstr(get, "<items node='urn:xmpp:bookmarks:1'/>"));
  test_router_answer_last(
      f->t, "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'>"
            "<item id='orchard@conference.shakespeare.example'>" CONF
            " name='The Orchard' autojoin='1'><nick>JC</nick></conference></item>"
            "<item id='" ROOM "'>" CONF " name='The Play' autojoin='false'/></item>"
            "<item id='not a room'>" CONF "/></item></items></pubsub>");
}

/* ---- formats ---- */

static void
test_item_parse(void)
{
  g_autoptr(XmppNode) item = test_parse_element(
      "<item xmlns='http://jabber.org/protocol/pubsub' id='ThePlay@Conference.Shakespeare.Example'>"
      "<conference xmlns='urn:xmpp:bookmarks:1' name='The Play' autojoin='true'>"
      "<nick>JC</nick><password>secret</password><extensions/></conference></item>");
  g_autoptr(XmppBookmark) b = xmpp_bookmark_parse_item(item);
  g_assert_nonnull(b);
  g_assert_cmpstr(b->room, ==, ROOM); /* normalised */
  g_assert_cmpstr(b->name, ==, "The Play");
  g_assert_true(b->autojoin);
  g_assert_cmpstr(b->nick, ==, "JC");
  g_assert_cmpstr(b->password, ==, "secret");
  /* Built back, it reads the same. */
  g_autoptr(XmppNode) built = xmpp_bookmark_build_item(b);
  g_autoptr(XmppBookmark) again = xmpp_bookmark_parse_item(built);
  g_assert_true(xmpp_bookmark_equal(b, again));
  /* Not a room (a server, a full JID), no conference, the old namespace: nothing. */
  const char *bad[] = {
      "<item id='conference.shakespeare.example'>" CONF "/></item>",
      "<item id='" ROOM "/nick'>" CONF "/></item>",
      "<item id='" ROOM "'/>",
      "<item>" CONF "/></item>",
      "<item id='" ROOM "'><conference xmlns='storage:bookmarks'/></item>",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(XmppNode) node = test_parse_element(bad[i]);
    g_assert_null(xmpp_bookmark_parse_item(node));
  }
}

static void
test_item_bad_parts_left_out(void)
{
  g_autofree char *long_name = g_strnfill(XMPP_BOOKMARK_MAX_TEXT + 1, 'n');
  g_autofree char *xml = g_strdup_printf("<item id='" ROOM "'>" CONF " name='%s' autojoin='yes'>"
                                         "<nick></nick><password/></conference></item>",
                                         long_name);
  g_autoptr(XmppNode) item = test_parse_element(xml);
  g_autoptr(XmppBookmark) b = xmpp_bookmark_parse_item(item);
  g_assert_nonnull(b);
  g_assert_null(b->name);
  g_assert_false(b->autojoin); /* not an xs:boolean true */
  g_assert_null(b->nick);
  g_assert_null(b->password);
}

static void
test_storage_parse_and_build(void)
{
  g_autoptr(XmppNode) storage = test_parse_element(
      "<storage xmlns='storage:bookmarks'>"
      "<conference jid='" ROOM "' name='The Play' autojoin='true'><nick>JC</nick></conference>"
      "<url name='Complete Works' url='http://the-tech.mit.edu/Shakespeare/'/>"
      "<conference jid='" ROOM "' name='twice'/>"
      "<conference jid='orchard@conference.shakespeare.example'/>"
      "<conference jid='no-room'/></storage>");
  g_autoptr(GPtrArray) list = xmpp_bookmark_parse_storage(storage, 100);
  g_assert_cmpuint(list->len, ==, 2); /* the repeated room and the non-room left out */
  XmppBookmark *play = list->pdata[0];
  g_assert_cmpstr(play->name, ==, "The Play");
  g_assert_true(play->autojoin);
  g_autoptr(GPtrArray) capped = xmpp_bookmark_parse_storage(storage, 1);
  g_assert_cmpuint(capped->len, ==, 1);
  /* Written back: the rooms given, and the web bookmark kept. */
  g_ptr_array_remove_index(list, 1);
  g_autoptr(XmppNode) built = xmpp_bookmark_build_storage(list, storage);
  g_autofree char *text = xmpp_xml_node_to_string(built);
  g_assert_cmpstr(text, ==,
                  "<storage xmlns='storage:bookmarks'><conference jid='" ROOM
                  "' name='The Play' autojoin='true'><nick>JC</nick></conference>"
                  "<url name='Complete Works' url='http://the-tech.mit.edu/Shakespeare/'/>"
                  "</storage>");
}

/* ---- XEP-0402 ---- */

static void
test_pep_load(Fixture *f, gconstpointer unused)
{
  load_pep(f);
  g_assert_cmpstr(f->log->str, ==, "loaded[2]");
  g_assert_cmpint(xmpp_bookmarks_get_store(f->bookmarks), ==, XMPP_BOOKMARKS_PEP);
  const XmppBookmark *orchard =
      xmpp_bookmarks_lookup(f->bookmarks, "orchard@conference.shakespeare.example");
  g_assert_nonnull(orchard);
  g_assert_true(orchard->autojoin);
  g_assert_cmpstr(orchard->nick, ==, "JC");
}

static void
test_pep_empty_node(Fixture *f, gconstpointer unused)
{
  xmpp_bookmarks_load(f->bookmarks, TRUE);
  answer_error(f, "item-not-found"); /* no bookmarks yet */
  g_assert_cmpstr(f->log->str, ==, "loaded[0]");
  g_autoptr(XmppBookmark) b = xmpp_bookmark_new(ROOM, NULL, TRUE, NULL, NULL);
  g_assert_true(xmpp_bookmarks_put(f->bookmarks, b));
}

/* Bookmarks that could not be read are never written over (a put would lose the others). */
static void
test_unread_never_written(Fixture *f, gconstpointer unused)
{
  g_autoptr(XmppBookmark) b = xmpp_bookmark_new(ROOM, NULL, TRUE, NULL, NULL);
  g_assert_false(xmpp_bookmarks_put(f->bookmarks, b)); /* before any reading */
  xmpp_bookmarks_load(f->bookmarks, FALSE);
  answer_error(f, "internal-server-error");
  g_assert_cmpstr(f->log->str, ==, "");
  guint sent = test_router_n_sent(f->t);
  g_assert_false(xmpp_bookmarks_put(f->bookmarks, b));
  g_assert_false(xmpp_bookmarks_remove(f->bookmarks, ROOM));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent);
}

static void
test_pep_put_and_remove(Fixture *f, gconstpointer unused)
{
  load_pep(f);
  g_autoptr(XmppBookmark) b = xmpp_bookmark_new(ROOM, "The Play", TRUE, "Juliet", NULL);
  g_assert_true(xmpp_bookmarks_put(f->bookmarks, b));
  g_autofree char *publish = last_sent(f);
  g_assert_nonnull(strstr(publish, "<publish node='urn:xmpp:bookmarks:1'><item id='" ROOM "'>"
                                   "<conference xmlns='urn:xmpp:bookmarks:1' name='The Play' "
                                   "autojoin='true'><nick>Juliet</nick></conference>"));
  g_assert_nonnull(strstr(publish, "<field var='pubsub#access_model'><value>whitelist</value>"));
  g_assert_nonnull(strstr(publish, "<field var='pubsub#max_items'><value>max</value>"));
  /* The same again: nothing to store. */
  guint sent = test_router_n_sent(f->t);
  g_assert_true(xmpp_bookmarks_put(f->bookmarks, b));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent);
  /* Our own publication coming back as a notification is no change from elsewhere. */
  dispatchf(f, EVENT, BARE,
            "<item id='" ROOM "'>" CONF
            " name='The Play' autojoin='true'><nick>Juliet</nick></conference></item>");
  g_assert_cmpstr(f->log->str, ==, "loaded[2]");
  g_assert_true(xmpp_bookmarks_remove(f->bookmarks, ROOM));
  g_autofree char *retract = last_sent(f);
  g_assert_nonnull(strstr(retract, "<retract node='urn:xmpp:bookmarks:1' notify='true'>"
                                   "<item id='" ROOM "'/></retract>"));
  g_assert_null(xmpp_bookmarks_lookup(f->bookmarks, ROOM));
  g_assert_false(xmpp_bookmarks_remove(f->bookmarks, ROOM));
}

/* Another device of ours adds, changes and removes bookmarks: each applied once. */
static void
test_pep_live_changes(Fixture *f, gconstpointer unused)
{
  load_pep(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, EVENT, BARE,
            "<item id='forest@conference.shakespeare.example'>" CONF
            " name='Arden' autojoin='true'/></item>");
  dispatchf(f, EVENT, BARE,
            "<item id='" ROOM "'>" CONF " name='The Play' autojoin='true'/></item>");
  dispatchf(f, EVENT, BARE, "<retract id='orchard@conference.shakespeare.example'/>");
  dispatchf(f, EVENT, BARE, "<retract id='orchard@conference.shakespeare.example'/>");
  g_assert_cmpstr(f->log->str, ==,
                  "new[forest@conference.shakespeare.example|Arden|1|-]"
                  "changed[" ROOM "|The Play|1|-]"
                  "removed[orchard@conference.shakespeare.example]");
  g_assert_cmpuint(xmpp_bookmarks_count(f->bookmarks), ==, 2);
}

/* T42: a contact's bookmarks node, or a resource claiming to be our account's PEP service,
 * changes nothing of ours (the twin: test_pep_live_changes, from our bare JID). */
static void
test_t42_others_bookmarks_ignored(Fixture *f, gconstpointer unused)
{
  load_pep(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, EVENT, "romeo@montague.example",
            "<item id='trap@conference.evil.example'>" CONF " autojoin='true'/></item>");
  dispatchf(f, EVENT, "romeo@montague.example",
            "<retract id='orchard@conference.shakespeare.example'/>");
  dispatchf(f, EVENT, BARE "/other",
            "<item id='trap@conference.evil.example'>" CONF " autojoin='true'/></item>");
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_null(xmpp_bookmarks_lookup(f->bookmarks, "trap@conference.evil.example"));
  g_assert_cmpuint(xmpp_bookmarks_count(f->bookmarks), ==, 2);
}

/* Notifications before ours are read wait for the reading (which has them). */
static void
test_notification_before_reading(Fixture *f, gconstpointer unused)
{
  xmpp_bookmarks_load(f->bookmarks, TRUE);
  dispatchf(f, EVENT, BARE, "<item id='" ROOM "'>" CONF " autojoin='true'/></item>");
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_cmpuint(xmpp_bookmarks_count(f->bookmarks), ==, 0);
}

/* ---- XEP-0048 ---- */

static void
test_private_storage(Fixture *f, gconstpointer unused)
{
  xmpp_bookmarks_load(f->bookmarks, FALSE);
  g_autofree char *get = last_sent(f);
  g_assert_nonnull(strstr(get, "<query xmlns='jabber:iq:private'>"
                               "<storage xmlns='storage:bookmarks'/></query>"));
  test_router_answer_last(f->t, "<query xmlns='jabber:iq:private'>"
                                "<storage xmlns='storage:bookmarks'>"
                                "<conference jid='" ROOM "' autojoin='true'/>"
                                "<url name='Works' url='http://example.org/'/>"
                                "</storage></query>");
  g_assert_cmpstr(f->log->str, ==, "loaded[1]");
  g_assert_cmpint(xmpp_bookmarks_get_store(f->bookmarks), ==, XMPP_BOOKMARKS_PRIVATE);
  g_autoptr(XmppBookmark) b =
      xmpp_bookmark_new("orchard@conference.shakespeare.example", "Orchard", FALSE, NULL, NULL);
  g_assert_true(xmpp_bookmarks_put(f->bookmarks, b));
  g_autofree char *set = last_sent(f);
  g_assert_nonnull(strstr(set, "type='set'"));
  g_assert_nonnull(strstr(set, "<storage xmlns='storage:bookmarks'>"
                               "<conference jid='orchard@conference.shakespeare.example' "
                               "name='Orchard' autojoin='false'/>"
                               "<conference jid='" ROOM "' autojoin='true'/>"
                               "<url name='Works' url='http://example.org/'/></storage>"));
  g_assert_true(xmpp_bookmarks_remove(f->bookmarks, ROOM));
  g_autofree char *after = last_sent(f);
  g_assert_null(strstr(after, ROOM));
  g_assert_nonnull(strstr(after, "<url name='Works'"));
  /* PEP notifications do not apply to XEP-0048's bookmarks. */
  dispatchf(f, EVENT, BARE, "<item id='" ROOM "'>" CONF " autojoin='true'/></item>");
  g_assert_null(xmpp_bookmarks_lookup(f->bookmarks, ROOM));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bookmark/item-parse", test_item_parse);
  g_test_add_func("/bookmark/item-bad-parts-left-out", test_item_bad_parts_left_out);
  g_test_add_func("/bookmark/storage", test_storage_parse_and_build);
#define ADD(path, fn) g_test_add("/bookmarks/" path, Fixture, NULL, setup, fn, teardown)
  ADD("pep-load", test_pep_load);
  ADD("pep-empty-node", test_pep_empty_node);
  ADD("unread-never-written", test_unread_never_written);
  ADD("pep-put-and-remove", test_pep_put_and_remove);
  ADD("pep-live-changes", test_pep_live_changes);
  ADD("T42-others-bookmarks-ignored", test_t42_others_bookmarks_ignored);
  ADD("notification-before-reading", test_notification_before_reading);
  ADD("private-storage", test_private_storage);
  return g_test_run();
}
