/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc: the rooms a session is in (XEP-0045 §7): joining (and an instant room when ours is
 * new), the occupants with their roles and affiliations, nick changes, kicks, bans and a
 * room's end, the room's messages and subject, leaving. Only presences and messages from a
 * room we joined (or are joining) are believed: anyone else's muc#user status codes, nicks and
 * groupchat messages change nothing (T46). */
#pragma once

#include "im/dedup.h"
#include "im/message.h"
#include "muc/muc-invite.h"
#include "muc/muc-user.h"
#include "router/router.h"
#include "router/stanza-error.h"
#include "services/server-items.h"
#include "services/xdata.h"

G_BEGIN_DECLS

#define XMPP_MUC_MAX_ROOMS        512   /* rooms joined at once */
#define XMPP_MUC_MAX_OCCUPANTS    20000 /* occupants kept a room; more are not listed */
#define XMPP_MUC_MAX_SENT_IDS     64    /* ids of our recent room messages, to know their echo */
#define XMPP_MUC_SILENCE_S        600   /* a room silent this long is asked whether we are in */
#define XMPP_MUC_PING_CHECK_S     60    /* how often silent rooms are looked for */
#define XMPP_MUC_HISTORY_FIRST    20    /* messages of history a first join shows */
#define XMPP_MUC_HISTORY_PAGE     100   /* archive messages asked for per page */
#define XMPP_MUC_HISTORY_MAX      1000  /* archive messages one join catches up at most */
#define XMPP_MUC_DISCO_TIMEOUT_MS 10000 /* how long a join waits for the room's features */
#define XMPP_MUC_LIST_PAGE        100   /* rooms asked for per page of a directory */
#define XMPP_MUC_LIST_MAX         5000  /* rooms one listing shows at most */
#define XMPP_MUC_LIST_INFO_MAX    300   /* of which asked for their occupants and description */

typedef struct _XmppMuc XmppMuc;

typedef struct {
  const char *nick;
  XmppMucRole role;
  XmppMucAffiliation affiliation;
  const XmppJid *real_jid; /* NULL when the room does not tell */
} XmppMucOccupant;

/* Every callback may be NULL. room is the room's bare JID (normalised). */
typedef struct {
  /* The room sent our own presence (status 110): we are in, as nick (the room may have
   * changed it: status has XMPP_MUC_STATUS_NICK_ASSIGNED). A room we created (CREATED) is
   * reported once the service accepted it as an instant room, open to others. The occupants
   * known so far are in xmpp_muc_foreach_occupant. */
  void (*joined)(gpointer data, const char *room, const char *nick, guint status);
  /* The room refused us (error: XMPP_STANZA_ERROR, e.g. NOT_AUTHORIZED for a password,
   * REGISTRATION_REQUIRED for members-only, FORBIDDEN when banned, CONFLICT for a nick in
   * use). The room is forgotten. */
  void (*join_failed)(gpointer data, const char *room, const GError *error);
  /* An occupant arrived (is_new) or changed role or affiliation (after joined only). */
  void (*occupant)(gpointer data, const char *room, const XmppMucOccupant *occupant,
                   gboolean is_new);
  /* An occupant left: why has the codes (kicked 307, banned 301, ...), actor and reason. */
  void (*occupant_left)(gpointer data, const char *room, const char *nick, const XmppMucUser *why);
  /* An occupant (or we, when ours) is now known as new_nick (303). */
  void (*nick_changed)(gpointer data, const char *room, const char *old_nick, const char *new_nick,
                       gboolean ours);
  /* A message in the room, from nick (NULL: the room itself), already made safe for display;
   * ours: our nick sent it (an echo of what we sent, or another of our clients). */
  void (*message)(gpointer data, const char *room, const char *nick, const XmppMessageInfo *info,
                  const char *markup, gboolean ours);
  /* The room's subject (empty: none), set by nick (NULL: the room or unknown). */
  void (*subject)(gpointer data, const char *room, const char *nick, const char *subject);
  /* We are out of the room: we left (why NULL), or were kicked, banned, removed, or the room
   * was destroyed (why says which). The room is forgotten after this returns. */
  void (*left)(gpointer data, const char *room, const XmppMucUser *why);
  /* An invitation (mediated by a room, or direct from a contact): a question for the user,
   * never a join (T44). */
  void (*invited)(gpointer data, const XmppMucInvite *invite);
  /* The room says what changed about it (XmppMucStatus bits of XMPP_MUC_ROOM_CHANGES). */
  void (*room_changed)(gpointer data, const char *room, guint status);
  /* An occupant (never we) is typing, or stopped (XEP-0085 in rooms, §5.5). */
  void (*typing)(gpointer data, const char *room, const char *nick, gboolean typing);
  /* Our mark in the room moved: the newest message shown (its time, and its archive id or
   * NULL). Kept, it is the mark of the next join (xmpp_muc_join_after). */
  void (*mark)(gpointer data, const char *room, gint64 when_s, const char *archive_id);
} XmppMucEvents;

/* The end of a moderation request (error NULL: done). */
typedef void (*XmppMucDone)(gpointer data, const char *room, const GError *error);

/* server_items: where the room service is looked for (it outlives the module). */
XmppMuc *xmpp_muc_new(XmppRouter *router, const XmppHost *host,
                      const XmppServerItems *server_items);
void xmpp_muc_free(XmppMuc *muc);
void xmpp_muc_set_events(XmppMuc *muc, const XmppMucEvents *events, gpointer data);
/* The language texts are chosen in (as for chat messages). */
void xmpp_muc_set_language(XmppMuc *muc, const char *lang);

/* Asks to join room (a bare JID) as nick, with password (or NULL). FALSE with error when the
 * room or nick is invalid, the room is joined or being joined already, or too many are. */
gboolean xmpp_muc_join(XmppMuc *muc, const char *room, const char *nick, const char *password,
                       GError **error);
/* The same, the room's history from after our mark: the last message we have from it (its time
 * in Unix seconds, and its archive id or NULL; 0 and NULL: none, a first join). A room that
 * keeps an archive is caught up from there (after archive_id, else since mark_s), any other
 * gives its legacy history since mark_s. */
gboolean xmpp_muc_join_after(XmppMuc *muc, const char *room, const char *nick, const char *password,
                             gint64 mark_s, const char *archive_id, GError **error);
/* Leaves the room (the room confirms; left then follows). */
void xmpp_muc_leave(XmppMuc *muc, const char *room);
/* Sends a groupchat message (with extra, an element to copy: a XEP-0071 <html/>, a XEP-0066
 * link; or NULL); its echo from the room is how it is shown. Returns its id, or NULL (nothing
 * sent) when we are not in the room or there is no random data for the id. */
char *xmpp_muc_send(XmppMuc *muc, const char *room, const char *body, const XmppNode *extra);
/* A file's address (an HTTP upload's) to the room: the body and a XEP-0066 link, as
 * xmpp_messages_send_link does in a chat. */
char *xmpp_muc_send_link(XmppMuc *muc, const char *room, const char *url);
/* Sets the room's subject (the room answers with the new subject, or an error). */
gboolean xmpp_muc_set_subject(XmppMuc *muc, const char *room, const char *subject);
/* A new session on the server (the old one could not be resumed): the rooms no longer know
 * us. Every room we are in (or joining) is joined again with its nick and password, its
 * occupants learnt anew (joined follows again); one we were leaving is forgotten (left). */
void xmpp_muc_rejoin_all(XmppMuc *muc);
/* Asks the room to call us nick from now on (the room answers with 303, or an error). */
gboolean xmpp_muc_change_nick(XmppMuc *muc, const char *room, const char *nick, GError **error);
/* Invites who (a JID) to the room: through the room (XEP-0045 §7.8.2), or directly (XEP-0249,
 * for a client that says it takes them). */
gboolean xmpp_muc_invite(XmppMuc *muc, const char *room, const char *who, const char *reason,
                         gboolean direct);
/* Moderation (XEP-0045 §8, §9): an occupant's role by nick (NONE kicks), a user's affiliation
 * by bare JID (OUTCAST bans). done runs once (also when the session ends first). FALSE when
 * we are not in the room or the nick or JID is invalid (done is not called then). */
gboolean xmpp_muc_set_role(XmppMuc *muc, const char *room, const char *nick, XmppMucRole role,
                           const char *reason, XmppMucDone done, gpointer data);
gboolean xmpp_muc_set_affiliation(XmppMuc *muc, const char *room, const char *jid,
                                  XmppMucAffiliation affiliation, const char *reason,
                                  XmppMucDone done, gpointer data);
/* A room's forms: its configuration (owners, XEP-0045 §10.2) and registration with it (§7.10;
 * a legacy form is turned into a data form). */
typedef enum { XMPP_MUC_FORM_CONFIG, XMPP_MUC_FORM_REGISTER } XmppMucForm;
/* form (borrowed), or NULL with error: refused, no form, or registered already (CONFLICT). */
typedef void (*XmppMucFormCallback)(gpointer data, const char *room, XmppXdataForm *form,
                                    const GError *error);
/* Asks the room for the form; cb runs once (also when the session ends first: error ended).
 * FALSE when we are not in the room. */
gboolean xmpp_muc_request_form(XmppMuc *muc, const char *room, XmppMucForm which,
                               XmppMucFormCallback cb, gpointer data);
/* Sends the filled form (NULL: the user cancelled, which a room being configured is told). */
gboolean xmpp_muc_submit_form(XmppMuc *muc, const char *room, XmppMucForm which,
                              const XmppXdataForm *form, XmppMucDone done, gpointer data);
/* XEP-0410 self-ping: asks every joined room now whether we are still in it (after a resumed
 * stream, where the rooms may have dropped us meanwhile); a room that says no is joined
 * again. Rooms silent for XMPP_MUC_SILENCE_S are asked on their own. */
void xmpp_muc_check_all(XmppMuc *muc);
/* A service's directory (XEP-0045 §6.3, §6.4): its rooms, paged where it pages (XEP-0059), each
 * with what it says of itself. found runs once a room (borrowed fields); done once at the end
 * (error: the service refused, or the session ended), unless cancelled. One at a time. */
typedef struct {
  const char *jid;         /* the room's bare JID */
  const char *name;        /* its name, or NULL */
  int occupants;           /* -1: unknown */
  const char *description; /* or NULL */
} XmppMucListedRoom;
typedef void (*XmppMucRoomFound)(gpointer data, const XmppMucListedRoom *room);
typedef void (*XmppMucListDone)(gpointer data, guint count, const GError *error);
gboolean xmpp_muc_list_rooms(XmppMuc *muc, const char *service, XmppMucRoomFound found,
                             XmppMucListDone done, gpointer data);
/* Stops the listing in progress: neither callback runs again. Returns its data (for the caller
 * to free), NULL when none was in progress. */
gpointer xmpp_muc_list_cancel(XmppMuc *muc);
/* The data of the listing in progress, NULL when none is. */
gpointer xmpp_muc_list_get_data(const XmppMuc *muc);
/* The server's room service: the first of its items that is one, NULL until found. */
const char *xmpp_muc_get_service(const XmppMuc *muc);
/* Forgets every room without a word to the server (the session ended: the rooms ended it). */
void xmpp_muc_forget_all(XmppMuc *muc);

gboolean xmpp_muc_is_joined(const XmppMuc *muc, const char *room);
/* Is room one we are in, joining or leaving (so its occupants' JIDs are people, not it)? */
gboolean xmpp_muc_is_room(const XmppMuc *muc, const char *room);
/* Our nick in the room, or NULL when not in it. */
const char *xmpp_muc_get_nick(const XmppMuc *muc, const char *room);
const char *xmpp_muc_get_subject(const XmppMuc *muc, const char *room);
guint xmpp_muc_n_rooms(const XmppMuc *muc);
guint xmpp_muc_n_occupants(const XmppMuc *muc, const char *room);
/* NULL when there is no such occupant. */
gboolean xmpp_muc_get_occupant(const XmppMuc *muc, const char *room, const char *nick,
                               XmppMucOccupant *out);
void xmpp_muc_foreach_occupant(const XmppMuc *muc, const char *room,
                               void (*func)(const XmppMucOccupant *occupant, gpointer data),
                               gpointer data);

G_END_DECLS
