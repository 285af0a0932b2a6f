/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the room module's files share (muc.c keeps the rooms, muc-admin.c asks them for
 * changes): the rooms and their occupants. Private to src/core/muc. */
#pragma once

#include "muc/muc.h"

/* AWAY: the room put us out for a while (its service shutting down, 332, or an error of ours,
 * 333): kept, and joined again at the next check (muc-ping.c) or the next server session. */
typedef enum { ROOM_JOINING, ROOM_JOINED, ROOM_LEAVING, ROOM_AWAY } RoomState;

/* Status codes that say the room put an occupant out (§9, §10, §15.6). */
#define REMOVALS                                                                                   \
  (XMPP_MUC_STATUS_BANNED | XMPP_MUC_STATUS_KICKED | XMPP_MUC_STATUS_REMOVED_AFFILIATION |         \
   XMPP_MUC_STATUS_REMOVED_MEMBERS_ONLY | XMPP_MUC_STATUS_SHUTDOWN |                               \
   XMPP_MUC_STATUS_REMOVED_ERROR)

typedef struct {
  char *nick;
  XmppMucRole role;
  XmppMucAffiliation affiliation;
  XmppJid *real_jid;
} Occupant;

typedef struct {
  char *jid;       /* the room's bare JID */
  XmppJid *parsed; /* the same, parsed once (stanza-ids are checked against it) */
  char *nick;
  char *password; /* to join again on a new server session, or NULL */
  RoomState state;
  GHashTable *occupants; /* nick -> Occupant* */
  char *subject;
  gint64 heard_us;  /* monotonic time of the room's last stanza to us */
  gboolean pinging; /* a self-ping (XEP-0410) is out */
  /* The history (muc-history.c). */
  gint64 mark_s;       /* our last message from the room: its time (0: none) */
  char *mark_id;       /* and its archive id (the room's stanza-id), or NULL */
  guint joins;         /* counts this room's joins: answers to an earlier one are stale */
  gboolean discovered; /* the room was asked what it offers (once a join of it) */
  gboolean archived;   /* it keeps an archive (XEP-0313): history comes from there */
  char *queryid;       /* the archive query in progress, or NULL */
  char *page_after;    /* the archive id its page starts after, or NULL */
  guint fetched;       /* messages the catch-up brought */
  guint page_fetched;  /* of which in the page in progress */
  gboolean mark_moved; /* the mark moved since it was last told (events.mark) */
} Room;

struct _XmppMuc {
  XmppRouter *router;
  const XmppHost *host;
  XmppMucEvents events;
  gpointer events_data;
  char *lang;
  GHashTable *rooms; /* bare JID -> Room* */
  guint handlers[8];
  XmppDedup *seen;                       /* room messages shown: history after a rejoin */
  char *sent_ids[XMPP_MUC_MAX_SENT_IDS]; /* our recent room message ids, a ring */
  guint next_sent;
  guint ping_timer;                    /* looks for silent rooms (XEP-0410) while any is joined */
  const XmppServerItems *server_items; /* where the room service is found (muc-service.c) */
  /* The directory listing in progress (muc-directory.c). */
  guint listing;               /* counts the listings: answers to an earlier one are stale */
  XmppMucRoomFound list_found; /* NULL: none in progress */
  XmppMucListDone list_done;
  gpointer list_data;
  char *list_service;
  char *list_after; /* the last item of the page asked for next */
  guint list_count;
  guint list_pending; /* requests out */
};

/* The room (any JID spelling), or NULL when we are not in, joining or leaving it. */
Room *xmpp_muc_find_room(const XmppMuc *muc, const char *room);
/* A presence to room/nick: type (NULL: available). (A join's: muc-history.c.) */
void xmpp_muc_send_presence(XmppMuc *muc, const char *room, const char *nick, const char *type);
/* What a request about one room carries to its answer: the room by JID (it may be gone by
 * then), and what the caller wants back. */
typedef struct {
  XmppMuc *muc;
  char *room;
  guint joins;                 /* a history request's: the join it belongs to */
  XmppMucDone done;            /* a moderation's caller */
  XmppMucFormCallback form_cb; /* a form's */
  XmppMucForm which;
  gpointer data;
} RoomRequest;

RoomRequest *xmpp_muc_room_request_new(XmppMuc *muc, const char *room);
void xmpp_muc_room_request_free(gpointer request);

/* Joins room again (its occupants forgotten, joined follows). */
void xmpp_muc_rejoin_room(XmppMuc *muc, Room *room);

/* The room a stanza comes from, when it is one we are in, joining, leaving or away from: its
 * bare JID is the room's and (for an occupant) its resource is the nick. */
Room *xmpp_muc_room_of(XmppMuc *muc, const XmppStanza *stanza);

/* muc-message.c: the owners of groupchat (body, subject, chat states) and of messages with
 * muc#user or a direct invitation. */
XmppHandlerResult xmpp_muc_on_groupchat(XmppStanza *stanza, gpointer data);
XmppHandlerResult xmpp_muc_on_room_message(XmppStanza *stanza, gpointer data);
/* Shows a groupchat message of room r (already known to be from it); archive_id: the room
 * archive's id when it comes from there, else NULL. Shown once, and kept as our mark. */
void xmpp_muc_show_message(XmppMuc *muc, Room *r, XmppStanza *stanza, const char *archive_id);

/* Tells the room's mark if it moved since it was last told (an archive page's end). */
void xmpp_muc_tell_mark(XmppMuc *muc, Room *room);

/* muc-history.c: asks the room what it offers (once a join), then sends the join presence with
 * the history wanted; after the room took us in, the archive's catch-up; archive results. */
void xmpp_muc_history_join(XmppMuc *muc, Room *r);
void xmpp_muc_history_joined(XmppMuc *muc, Room *r);
XmppHandlerResult xmpp_muc_history_on_result(XmppStanza *stanza, gpointer data);

/* muc-ping.c: looking for silent rooms while any is joined, and stopping. */
void xmpp_muc_watch_silence(XmppMuc *muc);
void xmpp_muc_stop_watching(XmppMuc *muc);
