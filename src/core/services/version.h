/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppEntityInfo: XEP-0092 software version, XEP-0202 entity time, XEP-0012 last activity: answers
 * and queries. */
#pragma once

#include "im/roster.h"
#include "services/disco.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_ENTITY_INFO_NAME "Lyre"

#define XMPP_ENTITY_INFO_MAX_TEXT 256 /* bytes kept of a received name, version, os, status */

/* XEP-0092 §3: a version answer (pure model). */
typedef struct _XmppSoftwareVersion {
  char *name;
  char *version;
  char *os; /* NULL when not told */
} XmppSoftwareVersion;

/* XEP-0202 §3: an entity time answer. */
typedef struct _XmppEntityTime {
  gint64 utc; /* Unix seconds */
  int tzo_s;  /* the entity's offset from UTC in seconds */
  char *tzo;  /* as received, e.g. "-06:00" */
} XmppEntityTime;

/* XEP-0012 §4: seconds since the entity's last activity, and an optional status. */
typedef struct _XmppLastActivity {
  gint64 seconds;
  char *status; /* NULL when empty */
} XmppLastActivity;

/* Pure parsers of the answers' <query/> or <time/>: NULL when malformed. */
XmppSoftwareVersion *xmpp_software_version_parse(const XmppNode *query);
void xmpp_software_version_free(XmppSoftwareVersion *version);
XmppEntityTime *xmpp_entity_time_parse(const XmppNode *time);
void xmpp_entity_time_free(XmppEntityTime *time);
XmppLastActivity *xmpp_last_activity_parse(const XmppNode *query);
void xmpp_last_activity_free(XmppLastActivity *last);

typedef struct _XmppEntityInfo XmppEntityInfo;

XmppEntityInfo *xmpp_entity_info_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_entity_info_free(XmppEntityInfo *entity_info);

/* Our version string (the glue's constant), and the OS: NULL hides it (the default, XEP-0092
 * §5: the user decides whether to share it). Both copied. */
void xmpp_entity_info_set_version(XmppEntityInfo *info, const char *version);
void xmpp_entity_info_set_os(XmppEntityInfo *info, const char *os);
/* The user's last activity as Unix seconds (0: active now), from the glue's idle tracking. */
void xmpp_entity_info_set_idle_since(XmppEntityInfo *info, gint64 since);
/* XEP-0012 §6: idle time only for contacts allowed to see our presence (subscription from or
 * both) and our own resources; others get forbidden. Without a roster, everyone is answered. */
void xmpp_entity_info_set_roster(XmppEntityInfo *info, XmppRoster *roster);
/* Or a function asked at each XEP-0012 request (the glue reads purple's idle state). */
void xmpp_entity_info_set_idle_func(XmppEntityInfo *info, gint64 (*idle_since)(gpointer data),
                                    gpointer data);
/* The wall clock (tests): NULL gives g_date_time_new_now_local. Returns a new GDateTime. */
void xmpp_entity_info_set_clock(XmppEntityInfo *info, GDateTime *(*now)(gpointer data),
                                gpointer data);

typedef void (*XmppVersionCallback)(const XmppSoftwareVersion *version, const GError *error,
                                    gpointer data);
typedef void (*XmppTimeCallback)(const XmppEntityTime *time, const GError *error, gpointer data);
typedef void (*XmppLastCallback)(const XmppLastActivity *last, const GError *error, gpointer data);
/* rtt_us: round-trip time in microseconds (host monotonic clock). */
typedef void (*XmppPingCallback)(gint64 rtt_us, const GError *error, gpointer data);

/* Queries jid. Exactly one callback per query; a malformed answer gives BAD_REQUEST. */
void xmpp_entity_info_query_version(XmppEntityInfo *info, const char *jid, XmppVersionCallback cb,
                                    gpointer data, GDestroyNotify destroy);
void xmpp_entity_info_query_time(XmppEntityInfo *info, const char *jid, XmppTimeCallback cb,
                                 gpointer data, GDestroyNotify destroy);
void xmpp_entity_info_query_last(XmppEntityInfo *info, const char *jid, XmppLastCallback cb,
                                 gpointer data, GDestroyNotify destroy);
/* XEP-0199 §4.2 / §4.3: ping a JID (client or server). */
void xmpp_entity_info_ping(XmppEntityInfo *info, const char *jid, XmppPingCallback cb,
                           gpointer data, GDestroyNotify destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppSoftwareVersion, xmpp_software_version_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppEntityTime, xmpp_entity_time_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppLastActivity, xmpp_last_activity_free)

G_END_DECLS
