/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc: joining (and its refusals), occupants, nick changes, kicks, bans, a destroyed room,
 * room messages and subject, our echo, history after a rejoin shown once, leaving; and what a
 * sender that is not a room we are in can never do (T46: groupchat, fake status codes, nick
 * changes), each with its positive twin. */
#include <string.h>

#include "muc/muc.h"
#include "router-fixture.h"
#include "xml/writer.h"

#define OWN  "hag66@shakespeare.example/pda"
#define ROOM "coven@chat.shakespeare.example"

#define X_USER "<x xmlns='http://jabber.org/protocol/muc#user'>"

typedef struct {
  TestRouter *t;
  XmppServerItems *items;
  XmppMuc *muc;
  GString *log;
  GString *marks; /* the mark events, apart */
} Fixture;

static void
ev_joined(gpointer data, const char *room, const char *nick, guint status)
{
  g_string_append_printf(((Fixture *)data)->log, "joined[%s|%s|%x]", room, nick, status);
}

static void
ev_join_failed(gpointer data, const char *room, const GError *error)
{
  g_string_append_printf(((Fixture *)data)->log, "failed[%s|%s]", room,
                         xmpp_stanza_error_condition_name(error->code));
}

static void
ev_occupant(gpointer data, const char *room, const XmppMucOccupant *o, gboolean is_new)
{
  g_string_append_printf(((Fixture *)data)->log, "%s[%s|%s|%s]", is_new ? "in" : "changed", o->nick,
                         xmpp_muc_role_name(o->role), xmpp_muc_affiliation_name(o->affiliation));
}

static void
ev_left(gpointer data, const char *room, const char *nick, const XmppMucUser *why)
{
  g_string_append_printf(((Fixture *)data)->log, "out[%s|%x|%s]", nick, why->status,
                         why->reason != NULL ? why->reason : "-");
}

static void
ev_nick(gpointer data, const char *room, const char *old_nick, const char *new_nick, gboolean ours)
{
  g_string_append_printf(((Fixture *)data)->log, "nick[%s>%s|%d]", old_nick, new_nick, ours);
}

static void
ev_message(gpointer data, const char *room, const char *nick, const XmppMessageInfo *info,
           const char *markup, gboolean ours)
{
  g_string_append_printf(((Fixture *)data)->log, "msg[%s|%s|%s%s]", nick ? nick : "(room)", markup,
                         ours ? "ours" : "theirs", info->delay != NULL ? "|delayed" : "");
}

static void
ev_subject(gpointer data, const char *room, const char *nick, const char *subject)
{
  g_string_append_printf(((Fixture *)data)->log, "subject[%s|%s]", nick ? nick : "(room)", subject);
}

static void
ev_room_left(gpointer data, const char *room, const XmppMucUser *why)
{
  g_string_append_printf(((Fixture *)data)->log, "left[%s|%x]", room, why ? why->status : 0);
}

static void
ev_invited(gpointer data, const XmppMucInvite *inv)
{
  g_string_append_printf(((Fixture *)data)->log, "invited[%s|%s|%s]", inv->room,
                         inv->inviter ? inv->inviter : "-", inv->direct ? "direct" : "mediated");
}

static void
ev_mark(gpointer data, const char *room, gint64 when_s, const char *archive_id)
{
  g_string_append_printf(((Fixture *)data)->marks, "mark[%" G_GINT64_FORMAT "|%s]", when_s,
                         archive_id != NULL ? archive_id : "-");
}

static void
ev_typing(gpointer data, const char *room, const char *nick, gboolean typing)
{
  g_string_append_printf(((Fixture *)data)->log, "typing[%s|%d]", nick, typing);
}

static void
ev_room_changed(gpointer data, const char *room, guint status)
{
  g_string_append_printf(((Fixture *)data)->log, "changed[%s|%x]", room, status);
}

static const XmppMucEvents events = {
    .room_changed = ev_room_changed,
    .typing = ev_typing,
    .mark = ev_mark,
    .invited = ev_invited,
    .joined = ev_joined,
    .join_failed = ev_join_failed,
    .occupant = ev_occupant,
    .occupant_left = ev_left,
    .nick_changed = ev_nick,
    .message = ev_message,
    .subject = ev_subject,
    .left = ev_room_left,
};

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new(OWN);
  f->items = xmpp_server_items_new(f->t->router, &f->t->fake->host);
  f->muc = xmpp_muc_new(f->t->router, &f->t->fake->host, f->items);
  f->log = g_string_new(NULL);
  f->marks = g_string_new(NULL);
  xmpp_muc_set_events(f->muc, &events, f);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_muc_free(f->muc);
  xmpp_server_items_free(f->items);
  test_router_free(f->t);
  g_string_free(f->log, TRUE);
  g_string_free(f->marks, TRUE);
}

/* The XML made by printf, dispatched as if received. */
#define dispatchf(f, ...) test_router_dispatchf((f)->t, __VA_ARGS__)

/* Joins room as nick: the room is asked what it offers first (features: its disco#info
 * <feature/>s); that question is answered and taken from the captures, so the join presence
 * is what the test sees sent. */
static gboolean
join_room_after(Fixture *f, const char *room, const char *nick, const char *password, gint64 mark_s,
                const char *mark_id, const char *features)
{
  guint before = test_router_n_sent(f->t);
  if (!xmpp_muc_join_after(f->muc, room, nick, password, mark_s, mark_id, NULL))
    return FALSE;
  g_assert_cmpuint(test_router_n_sent(f->t), ==, before + 1);
  g_autoptr(XmppNode) disco = test_router_take_last_sent(f->t);
  g_assert_nonnull(xmpp_node_get_child(disco, "http://jabber.org/protocol/disco#info", "query"));
  dispatchf(f,
            "<iq type='result' id='%s' from='%s'><query "
            "xmlns='http://jabber.org/protocol/disco#info'>%s</query></iq>",
            xmpp_node_get_attr(disco, "id"), xmpp_node_get_attr(disco, "to"),
            features != NULL ? features : "");
  return TRUE;
}

/* A first join (no mark). */
static gboolean
join_room(Fixture *f, const char *room, const char *nick, const char *password,
          const char *features)
{
  return join_room_after(f, room, nick, password, 0, NULL, features);
}

static void
occupant_presence(Fixture *f, const char *nick, const char *role, const char *codes)
{
  dispatchf(f,
            "<presence from='" ROOM "/%s' to='" OWN "'>" X_USER
            "<item affiliation='member' role='%s'/>%s</x></presence>",
            nick, role, codes);
}

/* Joins as thirdwitch; firstwitch is in already. */
static void
join(Fixture *f)
{
  g_assert_true(join_room(f, ROOM, "thirdwitch", NULL, NULL));
  occupant_presence(f, "firstwitch", "moderator", "");
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  g_assert_true(xmpp_muc_is_joined(f->muc, ROOM));
}

static void
test_join_sends_presence(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room(f, "Coven@Chat.Shakespeare.Example", "thirdwitch", "cauldronburn", NULL));
  g_autofree char *sent = test_router_dup_sent_string(f->t, 0);
  g_assert_nonnull(strstr(sent, "to='" ROOM "/thirdwitch'"));
  /* A first join, the room keeping no archive: its last messages (§7.2.15). */
  g_assert_nonnull(strstr(sent, "<x xmlns='http://jabber.org/protocol/muc'>"
                                "<history maxstanzas='20'/><password>cauldronburn</password></x>"));
  g_assert_false(xmpp_muc_is_joined(f->muc, ROOM)); /* not before the room says so */
  /* Twice, or a bad room or nick: refused, nothing sent. */
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_muc_join(f->muc, ROOM, "other", NULL, &error));
  g_assert_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT);
  g_assert_false(xmpp_muc_join(f->muc, "chat.shakespeare.example", "x", NULL, NULL));
  g_assert_false(xmpp_muc_join(f->muc, ROOM "/nick", "x", NULL, NULL));
  g_assert_false(xmpp_muc_join(f->muc, "other@chat.shakespeare.example", "", NULL, NULL));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1);
}

static void
test_joined_with_occupants(Fixture *f, gconstpointer unused)
{
  join(f);
  /* Occupants before our own presence are the room's list, not arrivals. */
  g_assert_cmpstr(f->log->str, ==, "joined[" ROOM "|thirdwitch|2]");
  g_assert_cmpuint(xmpp_muc_n_occupants(f->muc, ROOM), ==, 2);
  XmppMucOccupant o;
  g_assert_true(xmpp_muc_get_occupant(f->muc, ROOM, "firstwitch", &o));
  g_assert_cmpint(o.role, ==, XMPP_MUC_ROLE_MODERATOR);
  g_string_truncate(f->log, 0);
  occupant_presence(f, "secondwitch", "participant", "");
  occupant_presence(f, "secondwitch", "visitor", ""); /* demoted */
  occupant_presence(f, "secondwitch", "visitor", ""); /* a show change: nothing of ours */
  g_assert_cmpstr(f->log->str, ==,
                  "in[secondwitch|participant|member]changed[secondwitch|visitor|member]");
  g_assert_cmpstr(xmpp_muc_get_nick(f->muc, ROOM), ==, "thirdwitch");
}

/* The room gives us another nick (210) and creates the room for us (201): an instant room. */
static void
test_assigned_nick_and_new_room(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room(f, ROOM, "thirdwitch", NULL, NULL));
  dispatchf(f, "<presence from='" ROOM "/Third Witch'>" X_USER
               "<item affiliation='owner' role='moderator'/><status code='110'/>"
               "<status code='201'/><status code='210'/></x></presence>");
  g_assert_cmpstr(xmpp_muc_get_nick(f->muc, ROOM), ==, "Third Witch");
  g_autofree char *iq = test_router_dup_sent_string(f->t, 1);
  g_assert_nonnull(strstr(iq, "type='set'"));
  g_assert_nonnull(strstr(iq, "<query xmlns='http://jabber.org/protocol/muc#owner'>"
                              "<x xmlns='jabber:x:data' type='submit'/></query>"));
  /* In at once: a service that does not lock a new room (ejabberd) lets others in and passes
   * their words on before it answers; the room says it is open once the service has it. */
  g_assert_cmpstr(f->log->str, ==, "joined[" ROOM "|Third Witch|12]");
  occupant_presence(f, "secondwitch", "participant", "");
  g_assert_cmpstr(f->log->str, ==,
                  "joined[" ROOM "|Third Witch|12]in[secondwitch|participant|member]");
  test_router_answer_last(f->t, NULL);
  g_assert_cmpstr(f->log->str, ==,
                  "joined[" ROOM "|Third Witch|12]in[secondwitch|participant|member]changed[" ROOM
                  "|8]");
}

/* A service that refuses the default configuration: still in the room, nothing more said. */
static void
test_new_room_configuration_refused(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room(f, ROOM, "thirdwitch", NULL, NULL));
  dispatchf(f, "<presence from='" ROOM "/thirdwitch'>" X_USER
               "<item affiliation='owner' role='moderator'/><status code='110'/>"
               "<status code='201'/></x></presence>");
  g_string_truncate(f->log, 0);
  XmppNode *iq = test_router_last_sent(f->t);
  dispatchf(f,
            "<iq type='error' from='" ROOM "' id='%s'><error type='cancel'>"
            "<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            xmpp_node_get_attr(iq, "id"));
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_true(xmpp_muc_is_joined(f->muc, ROOM));
}

static void
test_join_refused(Fixture *f, gconstpointer unused)
{
  const char *conditions[] = {"not-authorized", "registration-required", "forbidden",
                              "conflict",       "item-not-found",        "service-unavailable"};
  for (guint i = 0; i < G_N_ELEMENTS(conditions); i++) {
    g_assert_true(join_room(f, ROOM, "thirdwitch", NULL, NULL));
    dispatchf(f,
              "<presence from='" ROOM "/thirdwitch' type='error'>"
              "<x xmlns='http://jabber.org/protocol/muc'/><error type='auth'>"
              "<%s xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>",
              conditions[i]);
    g_assert_cmpuint(xmpp_muc_n_rooms(f->muc), ==, 0); /* forgotten: the user may try again */
  }
  g_assert_cmpstr(f->log->str, ==,
                  "failed[" ROOM "|not-authorized]failed[" ROOM
                  "|registration-required]failed[" ROOM "|forbidden]failed[" ROOM
                  "|conflict]failed[" ROOM "|item-not-found]failed[" ROOM "|service-unavailable]");
}

static void
test_nick_changes(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, "<presence from='" ROOM "/firstwitch' type='unavailable'>" X_USER
               "<item affiliation='member' role='moderator' nick='oldhag'/>"
               "<status code='303'/></x></presence>");
  occupant_presence(f, "oldhag", "moderator", "");
  g_assert_true(xmpp_muc_get_occupant(f->muc, ROOM, "oldhag", &(XmppMucOccupant){0}));
  g_assert_false(xmpp_muc_get_occupant(f->muc, ROOM, "firstwitch", &(XmppMucOccupant){0}));
  /* Ours. */
  dispatchf(f, "<presence from='" ROOM "/thirdwitch' type='unavailable'>" X_USER
               "<item affiliation='member' role='participant' nick='hecate'/>"
               "<status code='303'/><status code='110'/></x></presence>");
  g_assert_cmpstr(xmpp_muc_get_nick(f->muc, ROOM), ==, "hecate");
  g_assert_cmpstr(f->log->str, ==, "nick[firstwitch>oldhag|0]nick[thirdwitch>hecate|1]");
}

static void
test_kicked_banned_destroyed(Fixture *f, gconstpointer unused)
{
  join(f);
  occupant_presence(f, "pistol", "participant", "");
  g_string_truncate(f->log, 0);
  dispatchf(f, "<presence from='" ROOM "/pistol' type='unavailable'>" X_USER
               "<item affiliation='none' role='none'><actor nick='firstwitch'/>"
               "<reason>Avaunt!</reason></item><status code='307'/></x></presence>");
  g_assert_cmpstr(f->log->str, ==, "out[pistol|80|Avaunt!]");
  g_string_truncate(f->log, 0);
  /* We are banned: out of the room, with the reason. */
  dispatchf(f, "<presence from='" ROOM "/thirdwitch' type='unavailable'>" X_USER
               "<item affiliation='outcast' role='none'/><status code='301'/>"
               "<status code='110'/></x></presence>");
  g_assert_cmpstr(f->log->str, ==, "left[" ROOM "|22]");
  g_assert_cmpuint(xmpp_muc_n_rooms(f->muc), ==, 0);
  g_string_truncate(f->log, 0);
  join(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, "<presence from='" ROOM "/thirdwitch' type='unavailable'>" X_USER
               "<item affiliation='none' role='none'/><destroy><reason>gone</reason>"
               "</destroy></x></presence>");
  g_assert_cmpstr(f->log->str, ==, "left[" ROOM "|0]");
  g_assert_cmpuint(xmpp_muc_n_rooms(f->muc), ==, 0);
}

static void
test_leave(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  xmpp_muc_leave(f->muc, ROOM);
  g_autofree char *sent = test_router_dup_sent_string(f->t, 1);
  g_assert_nonnull(strstr(sent, "type='unavailable'"));
  g_assert_nonnull(strstr(sent, "to='" ROOM "/thirdwitch'"));
  dispatchf(f, "<presence from='" ROOM "/thirdwitch' type='unavailable'>" X_USER
               "<item affiliation='member' role='none'/><status code='110'/></x></presence>");
  g_assert_cmpstr(f->log->str, ==, "left[" ROOM "|0]"); /* we asked: no reason */
  g_assert_cmpuint(xmpp_muc_n_rooms(f->muc), ==, 0);
}

static void
test_messages_and_subject(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, "<message from='" ROOM "/firstwitch' type='groupchat' id='h1'>"
               "<body>Thrice the brinded cat hath mew'd.</body>"
               "<delay xmlns='urn:xmpp:delay' stamp='2002-10-13T23:58:37Z'/>"
               "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='" ROOM "'/></message>");
  dispatchf(f, "<message from='" ROOM "/secondwitch' type='groupchat'>"
               "<subject>Fire Burn and Cauldron Bubble!</subject></message>");
  dispatchf(f, "<message from='" ROOM "' type='groupchat'><body>This room is not "
               "anonymous</body></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "msg[firstwitch|Thrice the brinded cat hath mew&apos;d.|theirs|delayed]"
                  "subject[secondwitch|Fire Burn and Cauldron Bubble!]"
                  "msg[(room)|This room is not anonymous|theirs]");
  g_assert_cmpstr(xmpp_muc_get_subject(f->muc, ROOM), ==, "Fire Burn and Cauldron Bubble!");
}

/* What we send comes back from the room: shown then, as ours. */
static void
test_send_and_echo(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  g_autofree char *id = xmpp_muc_send(f->muc, ROOM, "Harpier cries", NULL);
  g_assert_nonnull(id);
  XmppNode *m = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(m, "type"), ==, "groupchat");
  g_assert_cmpstr(xmpp_node_get_attr(m, "to"), ==, ROOM);
  XmppNode *origin = xmpp_node_get_child(m, "urn:xmpp:sid:0", "origin-id");
  g_assert_cmpstr(xmpp_node_get_attr(origin, "id"), ==, id);
  g_assert_cmpstr(f->log->str, ==, ""); /* not before the echo */
  dispatchf(f,
            "<message from='" ROOM "/thirdwitch' type='groupchat' id='%s'><body>Harpier "
            "cries</body><origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>",
            id, id);
  g_assert_cmpstr(f->log->str, ==, "msg[thirdwitch|Harpier cries|ours]");
  /* With XHTML-IM: the <html/> goes along. */
  g_autoptr(XmppNode) html = xmpp_node_new("http://jabber.org/protocol/xhtml-im", "html");
  XmppNode *xb = xmpp_node_new_child(html, "http://www.w3.org/1999/xhtml", "body");
  xmpp_node_new_text_child(xb, "http://www.w3.org/1999/xhtml", "strong", "Harpier");
  g_free(xmpp_muc_send(f->muc, ROOM, "Harpier", html));
  XmppNode *rich = test_router_last_sent(f->t);
  g_assert_nonnull(xmpp_node_get_child(rich, "http://jabber.org/protocol/xhtml-im", "html"));
  /* A file's link: the address as the body and as a XEP-0066 link. */
  g_free(xmpp_muc_send_link(f->muc, ROOM, "https://up.example/a/rose.jpg"));
  XmppNode *link = test_router_last_sent(f->t);
  g_autofree char *body = xmpp_node_dup_child_text(link, "jabber:client", "body");
  g_assert_cmpstr(body, ==, "https://up.example/a/rose.jpg");
  XmppNode *oob = xmpp_node_get_child(link, "jabber:x:oob", "x");
  g_autofree char *url = oob != NULL ? xmpp_node_dup_child_text(oob, "jabber:x:oob", "url") : NULL;
  g_assert_cmpstr(url, ==, "https://up.example/a/rose.jpg");
  /* Not in the room: nothing sent. */
  g_assert_null(xmpp_muc_send(f->muc, "other@chat.shakespeare.example", "x", NULL));
  g_assert_null(
      xmpp_muc_send_link(f->muc, "other@chat.shakespeare.example", "https://a.example/x"));
}

/* A rejoin's history repeats what was shown: each message once (the room's stanza-id). */
static void
test_history_once(Fixture *f, gconstpointer unused)
{
  join(f);
  const char *history = "<message from='" ROOM "/firstwitch' type='groupchat' id='h1'>"
                        "<body>When shall we three meet again</body>"
                        "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='" ROOM "'/></message>";
  test_router_dispatch(f->t, history);
  xmpp_muc_leave(f->muc, ROOM);
  dispatchf(f, "<presence from='" ROOM "/thirdwitch' type='unavailable'>" X_USER
               "<item role='none'/><status code='110'/></x></presence>");
  join(f);
  g_string_truncate(f->log, 0);
  test_router_dispatch(f->t, history);
  g_assert_cmpstr(f->log->str, ==, "");
  /* Twin: a new message of the same text is a new message. */
  dispatchf(f, "<message from='" ROOM "/firstwitch' type='groupchat' id='h2'>"
               "<body>When shall we three meet again</body>"
               "<stanza-id xmlns='urn:xmpp:sid:0' id='s2' by='" ROOM "'/></message>");
  g_assert_cmpstr(f->log->str, ==, "msg[firstwitch|When shall we three meet again|theirs]");
}

/* A new server session: every room is joined again (with its password), its list learnt
 * anew; a room we were leaving is forgotten. */
static void
test_rejoin_all(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room(f, ROOM, "thirdwitch", "cauldronburn", NULL));
  occupant_presence(f, "firstwitch", "moderator", "");
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  g_assert_true(join_room(f, "heath@chat.shakespeare.example", "hecate", NULL, NULL));
  xmpp_muc_leave(f->muc, "heath@chat.shakespeare.example");
  g_string_truncate(f->log, 0);
  guint before = test_router_n_sent(f->t);
  xmpp_muc_rejoin_all(f->muc);
  g_assert_cmpstr(f->log->str, ==, "left[heath@chat.shakespeare.example|0]");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, before + 1);
  g_autofree char *sent = test_router_dup_sent_string(f->t, before);
  g_assert_nonnull(strstr(sent, "to='" ROOM "/thirdwitch'"));
  g_assert_nonnull(strstr(sent, "<password>cauldronburn</password>"));
  g_assert_false(xmpp_muc_is_joined(f->muc, ROOM));
  g_assert_cmpuint(xmpp_muc_n_occupants(f->muc, ROOM), ==, 0);
  g_string_truncate(f->log, 0);
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  g_assert_cmpstr(f->log->str, ==, "joined[" ROOM "|thirdwitch|2]");
  g_assert_true(xmpp_muc_is_joined(f->muc, ROOM));
}

/* Invitations reach the user as questions, mediated or direct; nothing is joined (T44). */
static void
test_T44_invitations_asked(Fixture *f, gconstpointer unused)
{
  dispatchf(f, "<message from='darkcave@chat.shakespeare.example'>" X_USER
               "<invite from='crone1@shakespeare.example/desktop'/></x></message>");
  dispatchf(f, "<message from='crone1@shakespeare.example/desktop'><x "
               "xmlns='jabber:x:conference' jid='heath@chat.shakespeare.example'/></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "invited[darkcave@chat.shakespeare.example|crone1@shakespeare.example/"
                  "desktop|mediated]invited[heath@chat.shakespeare.example|crone1@"
                  "shakespeare.example/desktop|direct]");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0); /* no join */
  g_assert_cmpuint(xmpp_muc_n_rooms(f->muc), ==, 0);
}

static void
on_done(gpointer data, const char *room, const GError *error)
{
  g_string_append_printf(((Fixture *)data)->log, "done[%s|%s]", room,
                         error != NULL ? error->message : "ok");
}

/* A nick change and the moderation requests, as the XEP spells them. */
static void
test_nick_and_moderation(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  g_assert_true(xmpp_muc_change_nick(f->muc, ROOM, "hecate", NULL));
  g_autofree char *nick = test_router_dup_sent_string(f->t, 1);
  g_assert_cmpstr(nick, ==, "<presence to='" ROOM "/hecate'/>");
  g_assert_false(xmpp_muc_change_nick(f->muc, "other@chat.shakespeare.example", "x", NULL));

  g_assert_true(
      xmpp_muc_set_role(f->muc, ROOM, "pistol", XMPP_MUC_ROLE_NONE, "Avaunt", on_done, f));
  g_autofree char *kick = test_router_dup_sent_string(f->t, 2);
  g_assert_nonnull(strstr(kick, "<query xmlns='http://jabber.org/protocol/muc#admin'><item "
                                "nick='pistol' role='none'><reason>Avaunt</reason></item>"));
  test_router_answer_last(f->t, NULL);
  g_assert_true(xmpp_muc_set_affiliation(f->muc, ROOM, "earlofcambridge@shakespeare.example/x",
                                         XMPP_MUC_AFFILIATION_OUTCAST, NULL, on_done, f));
  g_autofree char *ban = test_router_dup_sent_string(f->t, 3);
  g_assert_nonnull(strstr(ban, "<item jid='earlofcambridge@shakespeare.example' "
                               "affiliation='outcast'/>"));
  g_assert_cmpstr(f->log->str, ==, "done[" ROOM "|ok]");
  g_assert_false(xmpp_muc_set_role(f->muc, ROOM, "", XMPP_MUC_ROLE_NONE, NULL, on_done, f));
}

/* XEP-0410: a room silent for XMPP_MUC_SILENCE_S is asked whether we are in; a room that keeps
 * talking is not; "service-unavailable" means in, "item-not-found" means out (joined again). */
static void
test_self_ping_after_silence(Fixture *f, gconstpointer unused)
{
  join(f);
  guint sent = test_router_n_sent(f->t);
  fake_host_advance(f->t->fake, (XMPP_MUC_SILENCE_S - 30) * 1000);
  dispatchf(f, "<message from='" ROOM "/firstwitch' type='groupchat'><body>here</body></message>");
  fake_host_advance(f->t->fake, 60 * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent); /* it spoke 60 s ago */
  fake_host_advance(f->t->fake, XMPP_MUC_SILENCE_S * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent + 1);
  XmppNode *ping = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(ping, "to"), ==, ROOM "/thirdwitch");
  g_assert_nonnull(xmpp_node_get_child(ping, "urn:xmpp:ping", "ping"));
  dispatchf(f,
            "<iq type='error' from='" ROOM "/thirdwitch' id='%s'><error type='cancel'>"
            "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            xmpp_node_get_attr(ping, "id"));
  g_assert_true(xmpp_muc_is_joined(f->muc, ROOM));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent + 1);
  fake_host_advance(f->t->fake, (XMPP_MUC_SILENCE_S + XMPP_MUC_PING_CHECK_S) * 1000);
  ping = test_router_last_sent(f->t);
  g_assert_nonnull(xmpp_node_get_child(ping, "urn:xmpp:ping", "ping"));
  dispatchf(f,
            "<iq type='error' from='" ROOM "/thirdwitch' id='%s'><error type='cancel'>"
            "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            xmpp_node_get_attr(ping, "id"));
  XmppNode *again = test_router_last_sent(f->t);
  g_assert_true(xmpp_node_is(again, "jabber:client", "presence"));
  g_assert_nonnull(xmpp_node_get_child(again, "http://jabber.org/protocol/muc", "x"));
  g_assert_false(xmpp_muc_is_joined(f->muc, ROOM));
}

/* T46: groupchat from a room we are not in, presences with muc#user codes and nick changes
 * from senders that are not our room change nothing and reach the other handlers. The twin:
 * the same from our room does. */
static void
test_T46_not_our_room(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  guint before = test_router_n_sent(f->t);
  dispatchf(f, "<message from='other@chat.shakespeare.example/firstwitch' type='groupchat'>"
               "<body>spoof</body></message>");
  dispatchf(f, "<message from='mallory@evil.example/firstwitch' type='groupchat'>"
               "<subject>spoofed subject</subject></message>");
  /* A contact who is not our room claims we were banned, or renames an occupant. */
  dispatchf(f, "<presence from='mallory@evil.example/thirdwitch' type='unavailable'>" X_USER
               "<item affiliation='outcast' role='none'/><status code='301'/>"
               "<status code='110'/></x></presence>");
  dispatchf(f, "<presence from='chat.shakespeare.example/firstwitch' type='unavailable'>" X_USER
               "<item nick='spoof'/><status code='303'/></x></presence>");
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_true(xmpp_muc_is_joined(f->muc, ROOM));
  g_assert_true(xmpp_muc_get_occupant(f->muc, ROOM, "firstwitch", &(XmppMucOccupant){0}));
  g_assert_null(xmpp_muc_get_subject(f->muc, ROOM));
  g_assert_cmpuint(test_router_n_sent(f->t), ==, before);
  /* Twin: from our room. */
  dispatchf(f, "<message from='" ROOM "/firstwitch' type='groupchat'><body>real</body></message>");
  g_assert_cmpstr(f->log->str, ==, "msg[firstwitch|real|theirs]");
}

/* A chat (not groupchat) message from an occupant is not the room's: the chat module's. */
static void
test_private_message_passes(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, "<message from='" ROOM "/firstwitch' type='chat'><body>psst</body></message>");
  g_assert_cmpstr(f->log->str, ==, "");
}

/* ---- history (muc-history.c) ---- */

#define MAM_FEATURE "<feature var='urn:xmpp:mam:2'/>"
#define STAMP_1     "2026-12-01T10:00:00Z" /* 1796119200 */

/* An archive result for our query from the room (or from, when not NULL). */
static void
archive_result(Fixture *f, const char *from, const char *queryid, const char *id, const char *nick,
               const char *body)
{
  dispatchf(f,
            "<message from='%s' to='" OWN "'><result xmlns='urn:xmpp:mam:2' queryid='%s' id='%s'>"
            "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='" STAMP_1
            "'/><message xmlns='jabber:client' type='groupchat' from='" ROOM "/%s'><body>%s</body>"
            "</message>"
            "</forwarded></result></message>",
            from != NULL ? from : ROOM, queryid, id, nick, body);
}

static XmppNode *
last_query(Fixture *f)
{
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(iq, "to"), ==, ROOM);
  XmppNode *query = xmpp_node_get_child(iq, "urn:xmpp:mam:2", "query");
  g_assert_nonnull(query);
  return query;
}

/* A room with an archive: joined without legacy history, then its last page from the archive
 * (a first join), each message shown once with its time; results that are not answers to our
 * query (another room, another query id) are dropped (T40 for rooms), the twin shown. */
static void
test_archive_first_join(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room(f, ROOM, "thirdwitch", NULL, MAM_FEATURE));
  g_autofree char *presence = test_router_dup_sent_string(f->t, 0);
  g_assert_nonnull(strstr(presence, "<history maxchars='0'/>"));
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  XmppNode *query = last_query(f);
  g_autofree char *asked = xmpp_xml_node_to_string(query);
  g_assert_nonnull(strstr(asked, "<max>20</max><before/>"));
  const char *qid = xmpp_node_get_attr(query, "queryid");
  g_string_truncate(f->log, 0);
  archive_result(f, NULL, qid, "a1", "firstwitch", "When shall we three meet again");
  archive_result(f, NULL, "other-query", "a2", "firstwitch", "forged");
  archive_result(f, "heath@chat.shakespeare.example", qid, "a3", "firstwitch", "forged too");
  archive_result(f, NULL, qid, "a1", "firstwitch", "When shall we three meet again");
  g_assert_cmpstr(f->log->str, ==, "msg[firstwitch|When shall we three meet again|theirs|delayed]");
  g_assert_cmpstr(f->marks->str, ==, ""); /* told once the page is in */
  test_router_answer_last(f->t,
                          "<fin xmlns='urn:xmpp:mam:2'><set "
                          "xmlns='http://jabber.org/protocol/rsm'><last>a1</last></set></fin>");
  g_assert_cmpstr(f->marks->str, ==, "mark[1796119200|a1]");
  /* One page only on a first join; a late result is no answer any more. */
  guint sent = test_router_n_sent(f->t);
  archive_result(f, NULL, qid, "a4", "firstwitch", "late");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent);
  g_assert_null(strstr(f->log->str, "late"));
}

/* A join after our mark: the archive pages after its id, to the end; the same message live
 * and from the archive is shown once. */
static void
test_archive_after_mark(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room_after(f, ROOM, "thirdwitch", NULL, 1796000000, "m0", MAM_FEATURE));
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  g_autofree char *first = xmpp_xml_node_to_string(last_query(f));
  g_assert_nonnull(strstr(first, "<max>100</max><after>m0</after>"));
  const char *qid = xmpp_node_get_attr(last_query(f), "queryid");
  archive_result(f, NULL, qid, "m1", "firstwitch", "Thrice the brinded cat hath mewed");
  test_router_answer_last(f->t,
                          "<fin xmlns='urn:xmpp:mam:2'><set "
                          "xmlns='http://jabber.org/protocol/rsm'><last>m1</last></set></fin>");
  g_autofree char *second = xmpp_xml_node_to_string(last_query(f));
  g_assert_nonnull(strstr(second, "<after>m1</after>"));
  const char *qid2 = xmpp_node_get_attr(last_query(f), "queryid");
  g_assert_cmpstr(qid2, !=, qid);
  /* Live first, then the archive's copy of it (same stanza-id): once. */
  dispatchf(f, "<message type='groupchat' from='" ROOM "/secondwitch'><body>Thrice</body>"
               "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='m2'/></message>");
  archive_result(f, NULL, qid2, "m2", "secondwitch", "Thrice");
  test_router_answer_last(f->t, "<fin xmlns='urn:xmpp:mam:2' complete='true'/>");
  const char *log = f->log->str;
  g_assert_nonnull(strstr(log, "msg[firstwitch|Thrice the brinded cat hath mewed|theirs|delayed]"));
  g_assert_nonnull(strstr(log, "msg[secondwitch|Thrice|theirs]"));
  g_assert_null(strstr(log, "msg[secondwitch|Thrice|theirs|delayed]"));
  /* The live message is newer than the archive's: the mark stays on it. */
  g_assert_true(g_str_has_suffix(f->marks->str, "|m2]"));
}

/* The archive forgot our mark's id: once, from its time instead. */
static void
test_archive_forgot_mark(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room_after(f, ROOM, "thirdwitch", NULL, 1796000000, "gone", MAM_FEATURE));
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  XmppNode *iq = test_router_last_sent(f->t);
  dispatchf(f,
            "<iq type='error' id='%s' from='" ROOM "'><error type='cancel'><item-not-found "
            "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            xmpp_node_get_attr(iq, "id"));
  g_autofree char *again = xmpp_xml_node_to_string(last_query(f));
  g_assert_null(strstr(again, "<after>"));
  g_assert_nonnull(strstr(again, "<field var='start'><value>2026-11-30T00:53:20Z</value>"));
}

/* A room without an archive: the legacy history since our mark. */
static void
test_legacy_history_since_mark(Fixture *f, gconstpointer unused)
{
  g_assert_true(join_room_after(f, ROOM, "thirdwitch", NULL, 1796000000, NULL, NULL));
  g_autofree char *presence = test_router_dup_sent_string(f->t, 0);
  g_assert_nonnull(strstr(presence, "<history since='2026-11-30T00:53:20Z'/>"));
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1); /* no archive query */
}

/* The room's service shuts down (332): we are out for now, not for good; nothing from the room
 * counts meanwhile; the next check joins it again. (The twin, a kick, forgets the room:
 * test_kicked_banned_destroyed.) */
static void
test_shutdown_rejoined(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, "<presence type='unavailable' from='" ROOM "/thirdwitch'>" X_USER
               "<item affiliation='member' role='none'/><status code='110'/>"
               "<status code='332'/></x></presence>");
  g_assert_cmpstr(f->log->str, ==, "left[" ROOM "|402]"); /* self (110) and shutdown (332) */
  g_assert_false(xmpp_muc_is_joined(f->muc, ROOM));
  g_assert_true(xmpp_muc_is_room(f->muc, ROOM));
  dispatchf(f, "<message type='groupchat' from='" ROOM "/firstwitch'><body>meanwhile</body>"
               "</message>");
  g_assert_null(strstr(f->log->str, "meanwhile"));
  guint sent = test_router_n_sent(f->t);
  fake_host_advance(f->t->fake, XMPP_MUC_PING_CHECK_S * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent + 1);
  g_autofree char *again = test_router_dup_sent_string(f->t, sent);
  g_assert_nonnull(strstr(again, "<presence to='" ROOM "/thirdwitch'>"));
  occupant_presence(f, "thirdwitch", "participant", "<status code='110'/>");
  g_assert_true(xmpp_muc_is_joined(f->muc, ROOM));
}

/* The room service is found among the server's items: the first listed that is a
 * conference/text entity offering XEP-0045, whatever order the answers come in. */
static void
test_service_found(Fixture *f, gconstpointer unused)
{
  xmpp_server_items_discover(f->items, "shakespeare.example");
  g_assert_null(xmpp_muc_get_service(f->muc));
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'>"
                                "<item jid='proxy.shakespeare.example'/>"
                                "<item jid='chat.shakespeare.example'/>"
                                "<item jid='shakespeare.example' node='announce'/>"
                                "<item jid='old.shakespeare.example'/></query>");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 4); /* items, then three entities asked */
  const char *answers[] = {
      /* proxy: a proxy; chat: a room service; old: one too, listed later */
      "<identity category='proxy' type='bytestreams'/>"
      "<feature var='http://jabber.org/protocol/muc'/>",
      "<identity category='conference' type='text'/><feature "
      "var='http://jabber.org/protocol/muc'/>",
      "<identity category='conference' type='text'/><feature "
      "var='http://jabber.org/protocol/muc'/>",
  };
  for (int i = 2; i >= 0; i--) { /* the answers in reverse order */
    XmppNode *iq = test_router_get_sent(f->t, 1 + i);
    dispatchf(f,
              "<iq type='result' id='%s' from='%s'><query "
              "xmlns='http://jabber.org/protocol/disco#info'>%s</query></iq>",
              xmpp_node_get_attr(iq, "id"), xmpp_node_get_attr(iq, "to"), answers[i]);
  }
  g_assert_cmpstr(xmpp_muc_get_service(f->muc), ==, "chat.shakespeare.example");
}

/* XEP-0085 in rooms: an occupant composing, then their message (active) ends it; our own
 * nick's and the archive's chat states are nobody typing now. */
static void
test_typing_in_room(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  dispatchf(f, "<message type='groupchat' from='" ROOM "/firstwitch'><composing "
               "xmlns='http://jabber.org/protocol/chatstates'/></message>");
  dispatchf(f, "<message type='groupchat' from='" ROOM "/thirdwitch'><composing "
               "xmlns='http://jabber.org/protocol/chatstates'/></message>");
  dispatchf(f, "<message type='groupchat' from='" ROOM "/firstwitch'><body>Hail</body><active "
               "xmlns='http://jabber.org/protocol/chatstates'/></message>");
  g_assert_cmpstr(f->log->str, ==,
                  "typing[firstwitch|1]typing[firstwitch|0]msg[firstwitch|Hail|theirs]");
}

static void
on_listed(gpointer data, const XmppMucListedRoom *room)
{
  g_string_append_printf(((Fixture *)data)->log, "room[%s|%s|%d|%s]", room->jid,
                         room->name ? room->name : "-", room->occupants,
                         room->description ? room->description : "-");
}

static void
on_listed_all(gpointer data, guint count, const GError *error)
{
  g_string_append_printf(((Fixture *)data)->log, "listed[%u|%s]", count, error ? "error" : "ok");
}

static XmppNode *
sent_to(Fixture *f, const char *to)
{
  for (guint i = 0; i < test_router_n_sent(f->t); i++) {
    XmppNode *n = test_router_get_sent(f->t, i);
    if (g_strcmp0(xmpp_node_get_attr(n, "to"), to) == 0)
      return n;
  }
  g_assert_not_reached();
}

/* The directory: paged (RSM, XEP-0059) while the service pages, each room then asked what it
 * is (name, occupants, description), the end said once. */
static void
test_directory_paged(Fixture *f, gconstpointer unused)
{
  g_assert_true(
      xmpp_muc_list_rooms(f->muc, "chat.shakespeare.example", on_listed, on_listed_all, f));
  g_assert_false(xmpp_muc_list_rooms(f->muc, "chat.shakespeare.example", on_listed, on_listed_all,
                                     f)); /* one at a time */
  g_autofree char *page1 = test_router_dup_sent_string(f->t, 0);
  g_assert_nonnull(strstr(page1, "<set xmlns='http://jabber.org/protocol/rsm'><max>100</max>"
                                 "</set>"));
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'>"
                                "<item jid='coven@chat.shakespeare.example' name='A Cavern'/>"
                                "<item jid='chat.shakespeare.example'/>"
                                "<set xmlns='http://jabber.org/protocol/rsm'><last>coven</last>"
                                "<count>2</count></set></query>");
  /* One room asked about (the service itself is no room), and the next page. */
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 3);
  g_autofree char *page2 = test_router_dup_sent_string(f->t, 2);
  g_assert_nonnull(strstr(page2, "<after>coven</after>"));
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'/>");
  g_assert_cmpstr(f->log->str, ==, ""); /* the room's answer is still out */
  XmppNode *info = sent_to(f, "coven@chat.shakespeare.example");
  dispatchf(f,
            "<iq type='result' id='%s' from='coven@chat.shakespeare.example'><query "
            "xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' "
            "type='text' name='The Coven'/><x xmlns='jabber:x:data' type='result'>"
            "<field var='FORM_TYPE' type='hidden'><value>"
            "http://jabber.org/protocol/muc#roominfo</value></field>"
            "<field var='muc#roominfo_occupants'><value>3</value></field>"
            "<field var='muc#roominfo_description'><value>Where witches meet</value></field>"
            "</x></query></iq>",
            xmpp_node_get_attr(info, "id"));
  g_assert_cmpstr(f->log->str, ==,
                  "room[coven@chat.shakespeare.example|The Coven|3|Where witches meet]"
                  "listed[1|ok]");
  /* Cancelled: nothing more is said, and the caller gets its data back. */
  g_assert_true(
      xmpp_muc_list_rooms(f->muc, "chat.shakespeare.example", on_listed, on_listed_all, f));
  g_assert_true(xmpp_muc_list_get_data(f->muc) == f);
  g_assert_true(xmpp_muc_list_cancel(f->muc) == f);
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/disco#items'>"
                                "<item jid='heath@chat.shakespeare.example'/></query>");
  g_assert_true(g_str_has_suffix(f->log->str, "listed[1|ok]"));
}

/* §10.2.1: the room says its configuration changed and it is now logged; the same from an
 * occupant, or from a room we are not in, changes nothing (T46). */
static void
test_room_status_message(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  const char *codes = X_USER "<status code='104'/><status code='170'/></x>";
  dispatchf(f, "<message type='groupchat' from='" ROOM "/firstwitch'>%s</message>", codes);
  dispatchf(f, "<message type='groupchat' from='heath@chat.shakespeare.example'>%s</message>",
            codes);
  g_assert_cmpstr(f->log->str, ==, "");
  dispatchf(f, "<message type='groupchat' from='" ROOM "'>%s</message>", codes);
  g_autofree char *want = g_strdup_printf("changed[" ROOM "|%x]",
                                          XMPP_MUC_STATUS_CONFIG_CHANGED | XMPP_MUC_STATUS_LOGGED);
  g_assert_cmpstr(f->log->str, ==, want);
}

/* ---- the room's forms ---- */

static void
on_form(gpointer data, const char *room, XmppXdataForm *form, const GError *error)
{
  Fixture *f = data;
  if (form == NULL) {
    g_string_append_printf(f->log, "form-error[%s]", xmpp_stanza_error_condition_name(error->code));
    return;
  }
  g_string_append_printf(f->log, "form[%s|%u]", room, form->fields->len);
}

/* /config: the owner's form asked for, shown, sent back filled (or cancelled). */
static void
test_config_form(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  g_assert_true(xmpp_muc_request_form(f->muc, ROOM, XMPP_MUC_FORM_CONFIG, on_form, f));
  g_autofree char *get = test_router_dup_sent_string(f->t, test_router_n_sent(f->t) - 1);
  g_assert_nonnull(strstr(get, "type='get'"));
  g_assert_nonnull(strstr(get, "<query xmlns='http://jabber.org/protocol/muc#owner'/>"));
  test_router_answer_last(f->t, "<query xmlns='http://jabber.org/protocol/muc#owner'>"
                                "<x xmlns='jabber:x:data' type='form'>"
                                "<field var='FORM_TYPE' type='hidden'>"
                                "<value>http://jabber.org/protocol/muc#roomconfig</value></field>"
                                "<field var='muc#roomconfig_roomname' type='text-single'/>"
                                "</x></query>");
  g_assert_cmpstr(f->log->str, ==, "form[" ROOM "|2]");
  g_assert_true(xmpp_muc_submit_form(f->muc, ROOM, XMPP_MUC_FORM_CONFIG, NULL, on_done, f));
  g_autofree char *cancel = test_router_dup_sent_string(f->t, test_router_n_sent(f->t) - 1);
  g_assert_nonnull(strstr(cancel, "<x xmlns='jabber:x:data' type='cancel'/>"));
  test_router_answer_last(f->t, NULL);
  g_assert_true(g_str_has_suffix(f->log->str, "done[" ROOM "|ok]"));
  /* Not in the room: nothing asked. */
  g_assert_false(xmpp_muc_request_form(f->muc, "other@chat.shakespeare.example",
                                       XMPP_MUC_FORM_CONFIG, on_form, f));
}

/* /register: a legacy form becomes a data form; registered already is said so. */
static void
test_register_form(Fixture *f, gconstpointer unused)
{
  join(f);
  g_string_truncate(f->log, 0);
  g_assert_true(xmpp_muc_request_form(f->muc, ROOM, XMPP_MUC_FORM_REGISTER, on_form, f));
  test_router_answer_last(f->t, "<query xmlns='jabber:iq:register'><instructions>Nick?"
                                "</instructions><nick/></query>");
  g_assert_cmpstr(f->log->str, ==, "form[" ROOM "|1]");
  g_assert_true(xmpp_muc_request_form(f->muc, ROOM, XMPP_MUC_FORM_REGISTER, on_form, f));
  test_router_answer_last(f->t, "<query xmlns='jabber:iq:register'><registered/></query>");
  g_assert_true(g_str_has_suffix(f->log->str, "form-error[conflict]"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/muc/join-sends-presence", test_join_sends_presence);
  ADD("/muc/joined-with-occupants", test_joined_with_occupants);
  ADD("/muc/assigned-nick-and-new-room", test_assigned_nick_and_new_room);
  ADD("/muc/new-room-configuration-refused", test_new_room_configuration_refused);
  ADD("/muc/join-refused", test_join_refused);
  ADD("/muc/nick-changes", test_nick_changes);
  ADD("/muc/kicked-banned-destroyed", test_kicked_banned_destroyed);
  ADD("/muc/leave", test_leave);
  ADD("/muc/messages-and-subject", test_messages_and_subject);
  ADD("/muc/send-and-echo", test_send_and_echo);
  ADD("/muc/history-once", test_history_once);
  ADD("/muc/rejoin-all", test_rejoin_all);
  ADD("/muc/self-ping-after-silence", test_self_ping_after_silence);
  ADD("/muc/T44_invitations_asked", test_T44_invitations_asked);
  ADD("/muc/nick-and-moderation", test_nick_and_moderation);
  ADD("/muc/T46_not_our_room", test_T46_not_our_room);
  ADD("/muc/private-message-passes", test_private_message_passes);
  ADD("/muc/history/T40_archive_first_join", test_archive_first_join);
  ADD("/muc/history/archive-after-mark", test_archive_after_mark);
  ADD("/muc/history/archive-forgot-mark", test_archive_forgot_mark);
  ADD("/muc/history/legacy-since-mark", test_legacy_history_since_mark);
  ADD("/muc/config-form", test_config_form);
  ADD("/muc/T46_room_status_message", test_room_status_message);
  ADD("/muc/directory-paged", test_directory_paged);
  ADD("/muc/typing-in-room", test_typing_in_room);
  ADD("/muc/service-found", test_service_found);
  ADD("/muc/shutdown-rejoined", test_shutdown_rejoined);
  ADD("/muc/register-form", test_register_form);
  return g_test_run();
}
