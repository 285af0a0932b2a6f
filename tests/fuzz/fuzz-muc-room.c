/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: what rooms send to a joined occupant, through XmppMuc on the router: room
 * presences (occupants, roles, nick changes, kicks, bans, a destroyed room, a shutdown), room
 * messages and subjects, archive results (XEP-0313 for rooms), invitations, and the replies to
 * what the module asks (disco#info, archive pages, forms, moderation, self-pings). Two rooms are
 * joined first (coven, archived when the mode's bit 0 is set: its catch-up's query id is then
 * all zeros, and heath); bit 1 leaves heath before the input. Oracles: every event is about a
 * room we are in (T46: nothing from elsewhere is shown), its nick usable, its texts UTF-8;
 * the module's tables stay within their limits; what it sends reads back (the harness). */
#include <string.h>

#include "fuzz-harness.h"
#include "im/message.h"
#include "muc/muc.h"
#include "services/mam.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define OWN   "hag66@shakespeare.example/pda"
#define COVEN "coven@chat.shakespeare.example"
#define HEATH "heath@chat.shakespeare.example"

static XmppMuc *fuzz_muc;

static void
check_room(const char *room)
{
  fuzz_check(xmpp_muc_is_room(fuzz_muc, room), "an event about a room we are in");
}

static void
check_nick(const char *nick)
{
  fuzz_check(nick == NULL || xmpp_muc_nick_valid(nick, NULL), "a usable nick");
}

static void
ev_joined(gpointer data, const char *room, const char *nick, guint status)
{
  check_room(room);
  check_nick(nick);
}

static void
ev_occupant(gpointer data, const char *room, const XmppMucOccupant *o, gboolean is_new)
{
  check_room(room);
  check_nick(o->nick);
  fuzz_check(xmpp_muc_n_occupants(fuzz_muc, room) <= XMPP_MUC_MAX_OCCUPANTS, "occupants bounded");
}

static void
ev_occupant_left(gpointer data, const char *room, const char *nick, const XmppMucUser *why)
{
  check_room(room);
  check_nick(nick);
  fuzz_check_utf8(why->reason, "a reason");
}

static void
ev_nick_changed(gpointer data, const char *room, const char *old_nick, const char *new_nick,
                gboolean ours)
{
  check_room(room);
  check_nick(old_nick);
  check_nick(new_nick);
}

static void
ev_message(gpointer data, const char *room, const char *nick, const XmppMessageInfo *info,
           const char *markup, gboolean ours)
{
  check_room(room);
  check_nick(nick);
  fuzz_check(markup != NULL && g_utf8_validate(markup, -1, NULL), "the markup is UTF-8");
  fuzz_check(strstr(markup, "<script") == NULL, "no script in the markup");
}

static void
ev_subject(gpointer data, const char *room, const char *nick, const char *subject)
{
  check_room(room);
  fuzz_check_utf8(subject, "a subject");
}

static void
ev_left(gpointer data, const char *room, const XmppMucUser *why)
{
  check_room(room); /* still known while its event runs */
}

static void
ev_mark(gpointer data, const char *room, gint64 when_s, const char *archive_id)
{
  check_room(room);
  fuzz_check(when_s >= 0, "a mark after 1970");
  fuzz_check(archive_id == NULL || strlen(archive_id) <= XMPP_MESSAGE_MAX_ID, "an id kept short");
}

static const XmppMucEvents events = {
    .joined = ev_joined,
    .occupant = ev_occupant,
    .occupant_left = ev_occupant_left,
    .nick_changed = ev_nick_changed,
    .message = ev_message,
    .subject = ev_subject,
    .left = ev_left,
    .mark = ev_mark,
};

static gboolean
zero_random(gpointer data, guint8 *buf, gsize len)
{
  memset(buf, 0, len);
  return TRUE;
}

static void
feed_text(FuzzHarness *h, const char *xml)
{
  fuzz_harness_feed(h, (const guint8 *)xml, strlen(xml));
}

/* Joins room as nick: the room's features answered (with an archive when archived), then our
 * own presence. */
static void
join(FuzzHarness *h, const char *room, const char *nick, gboolean archived)
{
  xmpp_muc_join(fuzz_muc, room, nick, NULL, NULL);
  g_autofree char *info = g_strdup_printf(
      "<iq type='result' id='#%u'><query xmlns='http://jabber.org/protocol/disco#info'>%s"
      "</query></iq>",
      g_queue_get_length(&h->requests) - 1, archived ? "<feature var='urn:xmpp:mam:2'/>" : "");
  feed_text(h, info);
  g_autofree char *self = g_strdup_printf(
      "<presence from='%s/%s'><x xmlns='http://jabber.org/protocol/muc#user'>"
      "<item affiliation='member' role='participant'/><status code='110'/></x></presence>",
      room, nick);
  feed_text(h, self);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  guint8 mode = data[0];
  FuzzHarness *h = fuzz_harness_new(OWN);
  h->fake->host.random = zero_random;
  XmppMessages *messages = xmpp_messages_new(h->router, &h->fake->host);
  XmppMam *mam = xmpp_mam_new(h->router, &h->fake->host, messages);
  fuzz_muc = xmpp_muc_new(h->router, &h->fake->host, NULL);
  xmpp_muc_set_events(fuzz_muc, &events, NULL);
  join(h, COVEN, "thirdwitch", (mode & 1) != 0);
  join(h, HEATH, "hecate", FALSE);
  if (mode & 2)
    xmpp_muc_leave(fuzz_muc, HEATH);
  fuzz_harness_feed(h, data + 1, size - 1);
  fuzz_check(xmpp_muc_n_rooms(fuzz_muc) <= XMPP_MUC_MAX_ROOMS, "rooms bounded");
  fuzz_harness_end(h, FUZZ_END_CLOSE);
  xmpp_muc_free(fuzz_muc);
  fuzz_muc = NULL;
  xmpp_mam_free(mam);
  xmpp_messages_free(messages);
  fuzz_harness_free(h);
  return 0;
}
