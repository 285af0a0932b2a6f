/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppEntityInfo: answering and asking XEP-0092 version, XEP-0202 time, XEP-0012 last activity,
 * and XEP-0199 pings of a chosen JID. */
#include "services/version.h"

#include "router/closure.h"

#include <stdlib.h>
#include <string.h>

#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "xml/datetime.h"
#include "services/namespaces.h"

struct _XmppEntityInfo {
  XmppRouter *router;
  const XmppHost *host;
  char *version;
  char *os; /* NULL: not shared */
  gint64 idle_since;
  XmppRoster *roster; /* borrowed: who may see our idle time */
  gint64 (*idle_func)(gpointer);
  gpointer idle_data;
  GDateTime *(*clock)(gpointer);
  gpointer clock_data;
  guint handlers[3];
};

/* ---- pure parsers ---- */

/* A child's text cut to the limit at a character boundary; NULL when absent or empty. */
static char *
dup_text(const XmppNode *parent, const char *ns, const char *name)
{
  g_autofree char *text = xmpp_node_dup_child_text(parent, ns, name);
  if (text == NULL)
    return NULL;
  g_strstrip(text);
  if (*text == '\0')
    return NULL;
  if (strlen(text) > XMPP_ENTITY_INFO_MAX_TEXT) {
    const char *end = text + XMPP_ENTITY_INFO_MAX_TEXT;
    end = g_utf8_find_prev_char(text, end + 1);
    return g_strndup(text, end != NULL ? (gsize)(end - text) : 0);
  }
  return g_steal_pointer(&text);
}

XmppSoftwareVersion *
xmpp_software_version_parse(const XmppNode *query)
{
  if (query == NULL || !xmpp_node_is(query, XMPP_NS_VERSION, "query"))
    return NULL;
  XmppSoftwareVersion *v = g_new0(XmppSoftwareVersion, 1);
  v->name = dup_text(query, XMPP_NS_VERSION, "name");
  v->version = dup_text(query, XMPP_NS_VERSION, "version");
  v->os = dup_text(query, XMPP_NS_VERSION, "os");
  if (v->name == NULL) { /* §3: name and version are required; be lenient on version only */
    xmpp_software_version_free(v);
    return NULL;
  }
  return v;
}

void
xmpp_software_version_free(XmppSoftwareVersion *v)
{
  if (v == NULL)
    return;
  g_free(v->name);
  g_free(v->version);
  g_free(v->os);
  g_free(v);
}

XmppEntityTime *
xmpp_entity_time_parse(const XmppNode *time)
{
  if (time == NULL || !xmpp_node_is(time, XMPP_NS_TIME, "time"))
    return NULL;
  g_autofree char *tzo = dup_text(time, XMPP_NS_TIME, "tzo");
  g_autofree char *utc = dup_text(time, XMPP_NS_TIME, "utc");
  int offset, utc_offset;
  gint64 stamp;
  /* §3: <tzo/> is a XEP-0082 TZD, <utc/> a XEP-0082 DateTime "expressed in UTC" (T49: the one
   * strict parser, xml/datetime.c). */
  if (tzo == NULL || utc == NULL || !xmpp_datetime_parse_tzd(tzo, -1, &offset) ||
      !xmpp_datetime_parse(utc, -1, &stamp, &utc_offset) || utc_offset != 0)
    return NULL;
  XmppEntityTime *t = g_new0(XmppEntityTime, 1);
  t->utc = stamp;
  t->tzo_s = offset;
  t->tzo = g_steal_pointer(&tzo);
  return t;
}

void
xmpp_entity_time_free(XmppEntityTime *t)
{
  if (t == NULL)
    return;
  g_free(t->tzo);
  g_free(t);
}

XmppLastActivity *
xmpp_last_activity_parse(const XmppNode *query)
{
  if (query == NULL || !xmpp_node_is(query, XMPP_NS_LAST_ACTIVITY, "query"))
    return NULL;
  const char *seconds = xmpp_node_get_attr(query, "seconds");
  guint64 value;
  if (seconds == NULL || !g_ascii_string_to_unsigned(seconds, 10, 0, G_MAXINT32, &value, NULL))
    return NULL;
  XmppLastActivity *last = g_new0(XmppLastActivity, 1);
  last->seconds = (gint64)value;
  g_autofree char *status = xmpp_node_dup_text(query);
  g_strstrip(status);
  if (*status != '\0' && strlen(status) <= XMPP_ENTITY_INFO_MAX_TEXT)
    last->status = g_steal_pointer(&status);
  return last;
}

void
xmpp_last_activity_free(XmppLastActivity *last)
{
  if (last == NULL)
    return;
  g_free(last->status);
  g_free(last);
}

/* ---- answers ---- */

static GDateTime *
now_local(XmppEntityInfo *info)
{
  return info->clock != NULL ? info->clock(info->clock_data) : g_date_time_new_now_local();
}

static XmppHandlerResult
reply_with(XmppEntityInfo *info, XmppStanza *stanza, XmppNode *payload)
{
  XmppNode *reply;
  if (g_strcmp0(stanza->type, "get") != 0) {
    xmpp_node_free(payload);
    reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
  } else {
    reply = xmpp_stanza_new_iq_result(stanza);
    xmpp_node_add_child(reply, payload);
  }
  xmpp_router_send(info->router, reply);
  xmpp_node_free(reply);
  return XMPP_HANDLER_CONSUMED;
}

/* XEP-0092 §3: name and version always; os only when the user allows it (§5). */
static XmppHandlerResult
on_version(XmppStanza *stanza, gpointer data)
{
  XmppEntityInfo *info = data;
  XmppNode *q = xmpp_node_new(XMPP_NS_VERSION, "query");
  xmpp_node_new_text_child(q, NULL, "name", XMPP_ENTITY_INFO_NAME);
  xmpp_node_new_text_child(q, NULL, "version", info->version ? info->version : "unknown");
  if (info->os != NULL)
    xmpp_node_new_text_child(q, NULL, "os", info->os);
  return reply_with(info, stanza, q);
}

/* XEP-0202 §3: our offset and the UTC time (XEP-0082 profiles). */
static XmppHandlerResult
on_time(XmppStanza *stanza, gpointer data)
{
  XmppEntityInfo *info = data;
  GDateTime *now = now_local(info);
  gint64 offset_s = g_date_time_get_utc_offset(now) / G_TIME_SPAN_SECOND;
  char tzo[8];
  gint64 abs_s = offset_s < 0 ? -offset_s : offset_s;
  g_snprintf(tzo, sizeof tzo, "%c%02d:%02d", offset_s < 0 ? '-' : '+', (int)(abs_s / 3600),
             (int)(abs_s / 60 % 60));
  /* A GDateTime is always within years 1..9999, so this is never NULL. */
  g_autofree char *stamp = xmpp_datetime_format(g_date_time_to_unix(now));
  g_date_time_unref(now);
  XmppNode *t = xmpp_node_new(XMPP_NS_TIME, "time");
  xmpp_node_new_text_child(t, NULL, "tzo", tzo);
  xmpp_node_new_text_child(t, NULL, "utc", stamp);
  return reply_with(info, stanza, t);
}

/* XEP-0012 §4: seconds since the user's last activity (0 when active). */
static XmppHandlerResult
on_last(XmppStanza *stanza, gpointer data)
{
  XmppEntityInfo *info = data;
  if (info->roster != NULL && !xmpp_router_is_from_self(info->router, stanza)) {
    const XmppRosterItem *item =
        stanza->from != NULL ? xmpp_roster_lookup(info->roster, stanza->from) : NULL;
    if (item == NULL || (item->subscription != XMPP_ROSTER_SUBSCRIPTION_FROM &&
                         item->subscription != XMPP_ROSTER_SUBSCRIPTION_BOTH)) {
      XmppNode *reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_FORBIDDEN);
      xmpp_router_send(info->router, reply);
      xmpp_node_free(reply);
      return XMPP_HANDLER_CONSUMED;
    }
  }
  gint64 seconds = 0;
  gint64 since = info->idle_func != NULL ? info->idle_func(info->idle_data) : info->idle_since;
  if (since > 0) {
    GDateTime *now = now_local(info);
    seconds = MAX(0, g_date_time_to_unix(now) - since);
    g_date_time_unref(now);
  }
  char text[24];
  g_snprintf(text, sizeof text, "%" G_GINT64_FORMAT, seconds);
  XmppNode *q = xmpp_node_new(XMPP_NS_LAST_ACTIVITY, "query");
  xmpp_node_set_attr(q, "seconds", text);
  return reply_with(info, stanza, q);
}

/* ---- the object ---- */

XmppEntityInfo *
xmpp_entity_info_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppEntityInfo *info = g_new0(XmppEntityInfo, 1);
  info->router = router;
  info->host = host;
  info->handlers[0] = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_VERSION, "query",
                                            on_version, info, NULL);
  info->handlers[1] =
      xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_TIME, "time", on_time, info, NULL);
  info->handlers[2] = xmpp_router_add_owner(router, XMPP_STANZA_IQ, XMPP_NS_LAST_ACTIVITY, "query",
                                            on_last, info, NULL);
  xmpp_disco_add_feature(disco, XMPP_NS_VERSION);
  xmpp_disco_add_feature(disco, XMPP_NS_TIME);
  xmpp_disco_add_feature(disco, XMPP_NS_LAST_ACTIVITY);
  return info;
}

void
xmpp_entity_info_free(XmppEntityInfo *info)
{
  if (info == NULL)
    return;
  xmpp_router_cancel_owner(info->router, info); /* our requests end while we are whole */
  for (guint i = 0; i < G_N_ELEMENTS(info->handlers); i++)
    xmpp_router_remove_handler(info->router, info->handlers[i]);
  g_free(info->version);
  g_free(info->os);
  g_free(info);
}

void
xmpp_entity_info_set_version(XmppEntityInfo *info, const char *version)
{
  g_free(info->version);
  info->version = g_strdup(version);
}

void
xmpp_entity_info_set_os(XmppEntityInfo *info, const char *os)
{
  g_free(info->os);
  info->os = g_strdup(os);
}

void
xmpp_entity_info_set_idle_since(XmppEntityInfo *info, gint64 since)
{
  info->idle_since = since;
}

void
xmpp_entity_info_set_roster(XmppEntityInfo *info, XmppRoster *roster)
{
  info->roster = roster;
}

void
xmpp_entity_info_set_idle_func(XmppEntityInfo *info, gint64 (*idle_since)(gpointer), gpointer data)
{
  info->idle_func = idle_since;
  info->idle_data = data;
}

void
xmpp_entity_info_set_clock(XmppEntityInfo *info, GDateTime *(*now)(gpointer), gpointer data)
{
  info->clock = now;
  info->clock_data = data;
}

/* ---- queries ---- */

typedef enum { QUERY_VERSION, QUERY_TIME, QUERY_LAST, QUERY_PING } QueryKind;

typedef struct {
  QueryKind kind;
  XmppClosure closure; /* the caller's callback, cast back by kind */
  const XmppHost *host;
  gint64 sent_us;
} Query;

static void
query_free(gpointer data)
{
  Query *q = data;
  xmpp_closure_clear(&q->closure);
  g_free(q);
}

static void
on_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  Query *q = data;
  XmppNode *payload = error == NULL ? xmpp_stanza_get_payload(reply) : NULL;
  g_autoptr(GError) bad = NULL;
  gpointer model = NULL;
  switch (q->kind) {
    case QUERY_VERSION:
      model = payload ? xmpp_software_version_parse(payload) : NULL;
      break;
    case QUERY_TIME:
      model = payload ? xmpp_entity_time_parse(payload) : NULL;
      break;
    case QUERY_LAST:
      model = payload ? xmpp_last_activity_parse(payload) : NULL;
      break;
    case QUERY_PING:
      ((XmppPingCallback)q->closure.callback)(xmpp_host_now(q->host) - q->sent_us, error,
                                              q->closure.user_data);
      return;
  }
  if (error == NULL && model == NULL)
    error = bad = g_error_new(XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "malformed answer");
  switch (q->kind) {
    case QUERY_VERSION:
      ((XmppVersionCallback)q->closure.callback)(model, error, q->closure.user_data);
      xmpp_software_version_free(model);
      break;
    case QUERY_TIME:
      ((XmppTimeCallback)q->closure.callback)(model, error, q->closure.user_data);
      xmpp_entity_time_free(model);
      break;
    default:
      ((XmppLastCallback)q->closure.callback)(model, error, q->closure.user_data);
      xmpp_last_activity_free(model);
      break;
  }
}

static Query *
new_query(XmppEntityInfo *info, QueryKind kind, gpointer callback, gpointer data,
          GDestroyNotify destroy)
{
  Query *q = g_new0(Query, 1);
  q->kind = kind;
  xmpp_closure_init(&q->closure, callback, data, destroy);
  q->host = info->host;
  return q;
}

static void
send_query(XmppEntityInfo *info, const char *jid, const char *ns, const char *name, Query *q)
{
  XmppNode *iq = xmpp_stanza_new_iq("get", jid, NULL);
  xmpp_node_new_child(iq, ns, name);
  q->sent_us = xmpp_host_now(info->host);
  xmpp_router_send_iq(info->router, info, iq, 0, on_reply, q, query_free);
}

void
xmpp_entity_info_query_version(XmppEntityInfo *info, const char *jid, XmppVersionCallback cb,
                               gpointer data, GDestroyNotify destroy)
{
  g_return_if_fail(info != NULL && jid != NULL && cb != NULL);
  Query *q = new_query(info, QUERY_VERSION, cb, data, destroy);
  send_query(info, jid, XMPP_NS_VERSION, "query", q);
}

void
xmpp_entity_info_query_time(XmppEntityInfo *info, const char *jid, XmppTimeCallback cb,
                            gpointer data, GDestroyNotify destroy)
{
  g_return_if_fail(info != NULL && jid != NULL && cb != NULL);
  Query *q = new_query(info, QUERY_TIME, cb, data, destroy);
  send_query(info, jid, XMPP_NS_TIME, "time", q);
}

void
xmpp_entity_info_query_last(XmppEntityInfo *info, const char *jid, XmppLastCallback cb,
                            gpointer data, GDestroyNotify destroy)
{
  g_return_if_fail(info != NULL && jid != NULL && cb != NULL);
  Query *q = new_query(info, QUERY_LAST, cb, data, destroy);
  send_query(info, jid, XMPP_NS_LAST_ACTIVITY, "query", q);
}

void
xmpp_entity_info_ping(XmppEntityInfo *info, const char *jid, XmppPingCallback cb, gpointer data,
                      GDestroyNotify destroy)
{
  g_return_if_fail(info != NULL && jid != NULL && cb != NULL);
  Query *q = new_query(info, QUERY_PING, cb, data, destroy);
  send_query(info, jid, XMPP_NS_PING, "ping", q);
}
