/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMucUser: what a room says about an occupant in a presence (XEP-0045 §7.2, §9, §10): the
 * <x xmlns='http://jabber.org/protocol/muc#user'/> child's item (role, affiliation, real JID,
 * new nick, actor, reason), its status codes and a room's <destroy/>. Pure parsing: whether the
 * sender is a room we joined (so whether any of it is believed) is the room module's question. */
#pragma once

#include "jid/jid.h"
#include "muc/namespaces.h"
#include "xml/node.h"

G_BEGIN_DECLS

#define XMPP_MUC_MAX_NICK     1023 /* bytes: a nick is a resourcepart (RFC 7622 §3.4) */
#define XMPP_MUC_MAX_REASON   1024 /* bytes of a kick, ban or destroy reason kept */
#define XMPP_MUC_MAX_STATUSES 16   /* <status/> codes read from one presence */

typedef enum {
  XMPP_MUC_ROLE_NONE, /* absent, unknown or 'none': not (or no longer) in the room */
  XMPP_MUC_ROLE_VISITOR,
  XMPP_MUC_ROLE_PARTICIPANT,
  XMPP_MUC_ROLE_MODERATOR,
} XmppMucRole;

typedef enum {
  XMPP_MUC_AFFILIATION_NONE, /* absent, unknown or 'none' */
  XMPP_MUC_AFFILIATION_OUTCAST,
  XMPP_MUC_AFFILIATION_MEMBER,
  XMPP_MUC_AFFILIATION_ADMIN,
  XMPP_MUC_AFFILIATION_OWNER,
} XmppMucAffiliation;

/* The status codes this client acts on (§15.6), as bits; others are ignored. */
typedef enum {
  XMPP_MUC_STATUS_NON_ANONYMOUS = 1 << 0,       /* 100: real JIDs are visible to anyone */
  XMPP_MUC_STATUS_SELF = 1 << 1,                /* 110: this presence is about us */
  XMPP_MUC_STATUS_LOGGED = 1 << 2,              /* 170: the room is logged publicly */
  XMPP_MUC_STATUS_CREATED = 1 << 3,             /* 201: we created the room (it waits for us) */
  XMPP_MUC_STATUS_NICK_ASSIGNED = 1 << 4,       /* 210: the service changed our nick */
  XMPP_MUC_STATUS_BANNED = 1 << 5,              /* 301 */
  XMPP_MUC_STATUS_NICK_CHANGED = 1 << 6,        /* 303: item nick is the new nick */
  XMPP_MUC_STATUS_KICKED = 1 << 7,              /* 307 */
  XMPP_MUC_STATUS_REMOVED_AFFILIATION = 1 << 8, /* 321: no longer a member of a members-only room */
  XMPP_MUC_STATUS_REMOVED_MEMBERS_ONLY = 1 << 9, /* 322: the room became members-only */
  XMPP_MUC_STATUS_SHUTDOWN = 1 << 10,            /* 332: the service is shutting down */
  XMPP_MUC_STATUS_REMOVED_ERROR = 1 << 11,       /* 333: removed for a technical reason */
  XMPP_MUC_STATUS_CONFIG_CHANGED = 1 << 12,      /* 104: the room's configuration changed */
  XMPP_MUC_STATUS_NOT_LOGGED = 1 << 13,          /* 171: no longer logged */
  XMPP_MUC_STATUS_NOW_NON_ANONYMOUS = 1 << 14,   /* 172: real JIDs now visible to anyone */
  XMPP_MUC_STATUS_NOW_SEMI_ANONYMOUS = 1 << 15,  /* 173: real JIDs now visible to moderators */
  XMPP_MUC_STATUS_NOW_ANONYMOUS = 1 << 16,       /* 174: real JIDs now visible to nobody */
} XmppMucStatus;

/* What a room's status message (§10.2.1) can tell about the room itself. */
#define XMPP_MUC_ROOM_CHANGES                                                                      \
  (XMPP_MUC_STATUS_CONFIG_CHANGED | XMPP_MUC_STATUS_LOGGED | XMPP_MUC_STATUS_NOT_LOGGED |          \
   XMPP_MUC_STATUS_NOW_NON_ANONYMOUS | XMPP_MUC_STATUS_NOW_SEMI_ANONYMOUS |                        \
   XMPP_MUC_STATUS_NOW_ANONYMOUS)

typedef struct {
  XmppMucRole role;
  XmppMucAffiliation affiliation;
  XmppJid *real_jid;    /* item jid=, or NULL (anonymous room, or invalid) */
  char *new_nick;       /* item nick= with status 303, if it is a valid nick; else NULL */
  char *actor_nick;     /* who kicked, banned or changed (item <actor nick=/>), or NULL */
  char *reason;         /* item <reason/>, capped, or NULL */
  guint status;         /* XmppMucStatus bits */
  gboolean destroyed;   /* <destroy/>: the room is gone */
  char *destroy_reason; /* capped, or NULL */
  XmppJid *alternate;   /* <destroy jid=/>: a room to go to instead, or NULL */
} XmppMucUser;

/* The muc#user part of a presence, or NULL when it has none. Malformed parts are left out (an
 * unknown role is NONE, an invalid JID or nick is NULL, long texts are cut), never fatal. */
XmppMucUser *xmpp_muc_user_parse(const XmppNode *presence);
void xmpp_muc_user_free(XmppMucUser *user);

const char *xmpp_muc_role_name(XmppMucRole role);
const char *xmpp_muc_affiliation_name(XmppMucAffiliation affiliation);
XmppMucRole xmpp_muc_role_from_string(const char *name);
XmppMucAffiliation xmpp_muc_affiliation_from_string(const char *name);

/* A room's normalised bare JID (room@service: a local part, no resource) from jid, or NULL
 * when jid is not one. */
char *xmpp_muc_room_jid(const char *jid);

/* Is nick usable as a nick (a valid, non-empty resourcepart within the limit)? Its prepared
 * form (what the room will call us) in *prepared when asked. */
gboolean xmpp_muc_nick_valid(const char *nick, char **prepared);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppMucUser, xmpp_muc_user_free)

G_END_DECLS
