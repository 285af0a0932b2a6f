/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of Get Info (vCard, resources, client, local time, last activity, subscription), the
 * /ping command, our version answer's settings and the caps cache file (XEP-0030/0115/0092/0202/
 * 0012/0199). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "purple-glue.h"
#include "purple-errors.h"
#include "purple-i18n.h"
#include "router/stanza-error.h"
#include "im/presence.h"
#include "im/roster.h"
#include "services/caps.h"
#include "services/disco.h"
#include "services/vcard.h"
#include "services/version.h"

#define OPT_SHARE_OS         "lyre_share_os"
#define INFO_TIMEOUT_S       10                /* Get Info shows what it has after this */
#define CAPS_CACHE_FILE      "caps-cache.xml"  /* in purple_user_dir()/lyre/ */
#define CAPS_CACHE_MAX_BYTES (8 * 1024 * 1024) /* a bigger file is ignored */

typedef struct {
  char *resource; /* "" for the bare JID */
  char *client;
  char *local_time;
  char *last;
} ResourceInfo;

typedef struct {
  gint refs;
  XmppPurpleConn *conn; /* NULL once the connection stopped */
  char *who;            /* bare JID */
  GPtrArray *resources; /* ResourceInfo* */
  XmppVcard *vcard;
  guint pending;
  guint timer;
  gboolean shown;
} InfoRequest;

typedef struct {
  InfoRequest *req;
  guint index; /* into req->resources */
} InfoQuery;

struct _XmppPurpleInfo {
  GList *requests; /* InfoRequest*, open */
};
typedef struct _XmppPurpleInfo XmppPurpleInfo;

/* ---- Get Info ---- */

static void
resource_info_free(gpointer data)
{
  ResourceInfo *r = data;
  g_free(r->resource);
  g_free(r->client);
  g_free(r->local_time);
  g_free(r->last);
  g_free(r);
}

static InfoRequest *
request_ref(InfoRequest *req)
{
  req->refs++;
  return req;
}

static void
request_unref(gpointer data)
{
  InfoRequest *req = data;
  if (--req->refs > 0)
    return;
  g_free(req->who);
  g_ptr_array_unref(req->resources);
  xmpp_vcard_free(req->vcard);
  g_free(req);
}

static void
query_free(gpointer data)
{
  InfoQuery *q = data;
  request_unref(q->req);
  g_free(q);
}

static InfoQuery *
new_query(InfoRequest *req, guint index)
{
  InfoQuery *q = g_new0(InfoQuery, 1);
  q->req = request_ref(req);
  q->index = index;
  req->pending++;
  return q;
}

static const char *
subscription_label(XmppRosterSubscription sub)
{
  switch (sub) {
    case XMPP_ROSTER_SUBSCRIPTION_BOTH:
      return _("Both");
    case XMPP_ROSTER_SUBSCRIPTION_TO:
      return _("To");
    case XMPP_ROSTER_SUBSCRIPTION_FROM:
      return _("From");
    default:
      return _("None");
  }
}

static void
add_pair(PurpleNotifyUserInfo *info, const char *label, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  char *safe = xmpp_purple_error_sanitize(value); /* peers' text: no controls, capped */
  purple_notify_user_info_add_pair_plaintext(info, label, safe);
  g_free(safe);
}

static void
add_resource(PurpleNotifyUserInfo *info, const XmppPresenceResource *r, const ResourceInfo *ri)
{
  purple_notify_user_info_add_section_break(info);
  add_pair(info, _("Resource"), *ri->resource != '\0' ? ri->resource : _("(none)"));
  if (r != NULL) {
    add_pair(info, _("Status"), xmpp_purple_presence_show_label(r->show));
    add_pair(info, _("Message"), r->status);
    char prio[8];
    g_snprintf(prio, sizeof prio, "%d", r->priority);
    add_pair(info, _("Priority"), prio);
    if (r->idle_since > 0) {
      gint64 idle = (gint64)time(NULL) - r->idle_since;
      char *text = purple_str_seconds_to_string((guint)CLAMP(idle, 0, G_MAXUINT));
      add_pair(info, _("Idle"), text);
      g_free(text);
    }
  }
  add_pair(info, _("Client"), ri->client);
  add_pair(info, _("Local Time"), ri->local_time);
  add_pair(info, r != NULL ? _("Last Activity") : _("Last Seen"), ri->last);
}

static void
show_request(InfoRequest *req)
{
  XmppPurpleConn *conn = req->conn;
  if (req->shown || conn == NULL)
    return;
  req->shown = TRUE;
  if (req->timer != 0)
    purple_timeout_remove(req->timer);
  req->timer = 0;
  XmppPurpleInfo *state = conn->info_state;
  PurpleNotifyUserInfo *info = purple_notify_user_info_new();
  add_pair(info, _("JID"), req->who);
  const XmppRosterItem *item =
      xmpp_roster_lookup_str(xmpp_session_get_roster(conn->session), req->who);
  add_pair(info, _("Subscription"),
           item != NULL ? subscription_label(item->subscription) : _("Not in the buddy list"));
  if (req->vcard != NULL)
    xmpp_purple_profile_append_vcard(info, req->vcard);
  const XmppPresenceContact *contact =
      xmpp_presence_get_contact(xmpp_session_get_presence(conn->session), req->who);
  for (guint i = 0; i < req->resources->len; i++) {
    const ResourceInfo *ri = req->resources->pdata[i];
    const XmppPresenceResource *r = NULL;
    for (guint j = 0; contact != NULL && j < contact->resources->len; j++) {
      const XmppPresenceResource *cand = contact->resources->pdata[j];
      if (strcmp(cand->resource, ri->resource) == 0)
        r = cand;
    }
    add_resource(info, r, ri);
  }
  purple_notify_userinfo(conn->gc, req->who, info, NULL, NULL);
  purple_notify_user_info_destroy(info);
  state->requests = g_list_remove(state->requests, req);
  request_unref(req);
}

static void
query_done(InfoRequest *req)
{
  if (req->pending > 0)
    req->pending--;
  if (req->pending == 0)
    show_request(req);
}

static gboolean
on_info_timeout(gpointer data)
{
  InfoRequest *req = data;
  req->timer = 0;
  show_request(req);
  return FALSE;
}

static ResourceInfo *
query_resource(InfoQuery *q)
{
  return q->req->conn != NULL ? q->req->resources->pdata[q->index] : NULL;
}

static void
on_version(const XmppSoftwareVersion *v, const GError *error, gpointer data)
{
  InfoQuery *q = data;
  ResourceInfo *ri = query_resource(q);
  if (ri == NULL)
    return;
  if (v != NULL) {
    GString *s = g_string_new(v->name);
    if (v->version != NULL)
      g_string_append_printf(s, " %s", v->version);
    if (v->os != NULL)
      g_string_append_printf(s, " (%s)", v->os);
    ri->client = g_string_free(s, FALSE);
  }
  query_done(q->req);
}

static void
on_time(const XmppEntityTime *t, const GError *error, gpointer data)
{
  InfoQuery *q = data;
  ResourceInfo *ri = query_resource(q);
  if (ri == NULL)
    return;
  GDateTime *dt = t != NULL ? g_date_time_new_from_unix_utc(t->utc + t->tzo_s) : NULL;
  if (dt != NULL) {
    char *when = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    ri->local_time = g_strdup_printf("%s (UTC%s)", when, strcmp(t->tzo, "Z") ? t->tzo : "");
    g_free(when);
    g_date_time_unref(dt);
  }
  query_done(q->req);
}

static void
on_last(const XmppLastActivity *last, const GError *error, gpointer data)
{
  InfoQuery *q = data;
  ResourceInfo *ri = query_resource(q);
  if (ri == NULL)
    return;
  if (last != NULL) {
    char *ago = purple_str_seconds_to_string((guint)CLAMP(last->seconds, 0, G_MAXUINT));
    ri->last = last->status != NULL ? g_strdup_printf("%s (%s)", ago, last->status) : g_strdup(ago);
    g_free(ago);
  }
  query_done(q->req);
}

static void
on_vcard(const XmppVcard *vcard, const GError *error, gpointer data)
{
  InfoRequest *req = data;
  if (req->conn == NULL)
    return;
  if (vcard != NULL)
    req->vcard = xmpp_vcard_copy(vcard);
  query_done(req);
}

static void
add_resource_queries(InfoRequest *req, const char *resource, gboolean online)
{
  XmppEntityInfo *ei = xmpp_session_get_entity_info(req->conn->session);
  ResourceInfo *ri = g_new0(ResourceInfo, 1);
  ri->resource = g_strdup(resource);
  g_ptr_array_add(req->resources, ri);
  guint index = req->resources->len - 1;
  char *jid = *resource != '\0' ? g_strdup_printf("%s/%s", req->who, resource) : g_strdup(req->who);
  if (online) {
    xmpp_entity_info_query_version(ei, jid, on_version, new_query(req, index), query_free);
    xmpp_entity_info_query_time(ei, jid, on_time, new_query(req, index), query_free);
  }
  /* XEP-0012 §4 (online: idle time of the resource) and §5 (offline, the bare JID: the server
   * tells how long ago the contact logged out). */
  xmpp_entity_info_query_last(ei, jid, on_last, new_query(req, index), query_free);
  g_free(jid);
}

void
xmpp_purple_info_get_info(PurpleConnection *gc, const char *who)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->info_state == NULL || who == NULL)
    return;
  XmppJid *jid = xmpp_jid_parse(who, NULL);
  if (jid == NULL) {
    purple_notify_error(gc, _("Get Info"), _("Invalid address"), who);
    return;
  }
  XmppPurpleInfo *state = conn->info_state;
  InfoRequest *req = g_new0(InfoRequest, 1);
  req->refs = 1;
  req->conn = conn;
  req->who = g_strdup(xmpp_jid_get_bare(jid));
  req->resources = g_ptr_array_new_with_free_func(resource_info_free);
  state->requests = g_list_prepend(state->requests, req);
  req->pending = 1; /* held until every query is sent */
  XmppJid *bare = xmpp_jid_dup_bare(jid);
  req->pending++;
  xmpp_vcards_fetch(xmpp_session_get_vcards(conn->session), bare, on_vcard, request_ref(req),
                    request_unref);
  xmpp_jid_free(bare);
  const XmppPresenceContact *contact =
      xmpp_presence_get_contact(xmpp_session_get_presence(conn->session), req->who);
  if (xmpp_jid_get_resource(jid) != NULL)
    add_resource_queries(req, xmpp_jid_get_resource(jid), TRUE);
  else if (contact != NULL && contact->resources->len > 0)
    for (guint i = 0; i < contact->resources->len; i++)
      add_resource_queries(req, ((XmppPresenceResource *)contact->resources->pdata[i])->resource,
                           TRUE);
  else
    add_resource_queries(req, "", FALSE);
  xmpp_jid_free(jid);
  req->timer = purple_timeout_add_seconds(INFO_TIMEOUT_S, on_info_timeout, req);
  query_done(req);
}

/* ---- /ping ---- */

typedef struct {
  PurpleAccount *account;
  char *conv_name;
} PingRequest;

static void
ping_request_free(gpointer data)
{
  PingRequest *p = data;
  g_free(p->conv_name);
  g_free(p);
}

static void
on_ping(gint64 rtt_us, const GError *error, gpointer data)
{
  PingRequest *p = data;
  if (xmpp_iq_error_is_ended(error))
    return;
  PurpleConversation *conv =
      purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, p->conv_name, p->account);
  if (conv == NULL)
    return;
  char *text;
  if (error == NULL)
    text = g_strdup_printf(_("Ping reply from %s in %.3f s."), p->conv_name,
                           (double)rtt_us / G_USEC_PER_SEC);
  else {
    char *why = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
    text = g_strdup_printf(_("Ping to %s failed: %s"), p->conv_name, why);
    g_free(why);
  }
  char *escaped = g_markup_escape_text(text, -1);
  purple_conversation_write(conv, NULL, escaped, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
                            time(NULL));
  g_free(escaped);
  g_free(text);
}

static PurpleCmdRet
cmd_ping(PurpleConversation *conv, const gchar *cmd, gchar **args, gchar **error, void *data)
{
  PurpleConnection *gc = purple_conversation_get_gc(conv);
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->info_state == NULL)
    return PURPLE_CMD_RET_FAILED;
  const char *name = purple_conversation_get_name(conv);
  char *target = NULL;
  /* A client answers pings itself (XEP-0199 §4.2): ask its best resource when it is online. */
  const XmppPresenceContact *contact =
      xmpp_presence_get_contact(xmpp_session_get_presence(conn->session), name);
  const XmppPresenceResource *best = contact ? xmpp_presence_contact_get_best(contact) : NULL;
  if (best != NULL && *best->resource != '\0' && strchr(name, '/') == NULL)
    target = g_strdup_printf("%s/%s", name, best->resource);
  else
    target = g_strdup(name);
  PingRequest *p = g_new0(PingRequest, 1);
  p->account = conn->account;
  p->conv_name = g_strdup(name);
  xmpp_entity_info_ping(xmpp_session_get_entity_info(conn->session), target, on_ping, p,
                        ping_request_free);
  g_free(target);
  return PURPLE_CMD_RET_OK;
}

/* ---- the caps cache file ---- */

static char *
caps_cache_path(void)
{
  return g_build_filename(purple_user_dir(), "lyre", CAPS_CACHE_FILE, NULL);
}

static void
caps_cache_load(XmppCaps *caps)
{
  char *path = caps_cache_path();
  char *data = NULL;
  gsize len = 0;
  GStatBuf st;
  if (g_stat(path, &st) == 0 && st.st_size <= CAPS_CACHE_MAX_BYTES &&
      g_file_get_contents(path, &data, &len, NULL)) {
    int n = xmpp_caps_cache_load(caps, data, len);
    purple_debug_info(XMPP_PURPLE_DEBUG, "caps cache: %d entries loaded\n", n);
  }
  g_free(data);
  g_free(path);
}

static void
caps_cache_save(XmppCaps *caps)
{
  if (xmpp_caps_n_cached(caps) == 0)
    return;
  char *dir = g_build_filename(purple_user_dir(), "lyre", NULL);
  char *path = caps_cache_path();
  char *data = xmpp_caps_cache_serialize(caps);
  GError *error = NULL;
  if (g_mkdir_with_parents(dir, 0700) != 0 || !g_file_set_contents(path, data, -1, &error))
    purple_debug_warning(XMPP_PURPLE_DEBUG, "caps cache: cannot write %s: %s\n", path,
                         error != NULL ? error->message : g_strerror(errno));
  g_clear_error(&error);
  g_free(data);
  g_free(path);
  g_free(dir);
}

static void
on_caps_learnt(gpointer data, const char *jid, const XmppDiscoInfo *info, gboolean verified)
{
  purple_debug_info(XMPP_PURPLE_DEBUG, "caps: %s: %u features (%s)\n", jid, info->features->len,
                    verified ? "verified" : "unverified");
}

/* ---- registration and lifetime ---- */

static gint64
own_idle_since(gpointer data)
{
  XmppPurpleConn *conn = data;
  PurplePresence *presence = purple_account_get_presence(conn->account);
  return purple_presence_is_idle(presence) ? (gint64)purple_presence_get_idle_time(presence) : 0;
}

void
xmpp_purple_info_start(XmppPurpleConn *conn)
{
  if (conn->info_state != NULL)
    return;
  conn->info_state = g_new0(XmppPurpleInfo, 1);
  XmppEntityInfo *ei = xmpp_session_get_entity_info(conn->session);
  xmpp_entity_info_set_version(ei, LYRE_VERSION);
  char *os = purple_account_get_bool(conn->account, OPT_SHARE_OS, FALSE)
                 ? g_get_os_info(G_OS_INFO_KEY_PRETTY_NAME)
                 : NULL;
  xmpp_entity_info_set_os(ei, os);
  g_free(os);
  xmpp_entity_info_set_idle_func(ei, own_idle_since, conn);
  xmpp_entity_info_set_roster(ei, xmpp_session_get_roster(conn->session));
  XmppCaps *caps = xmpp_session_get_caps(conn->session);
  xmpp_caps_set_learnt(caps, on_caps_learnt, conn);
  caps_cache_load(caps);
}

void
xmpp_purple_info_stop(XmppPurpleConn *conn)
{
  XmppPurpleInfo *state = conn->info_state;
  if (state == NULL)
    return;
  XmppCaps *caps = xmpp_session_get_caps(conn->session);
  caps_cache_save(caps);
  xmpp_caps_set_learnt(caps, NULL, NULL);
  xmpp_entity_info_set_idle_func(xmpp_session_get_entity_info(conn->session), NULL, NULL);
  for (GList *l = state->requests; l != NULL; l = l->next) {
    InfoRequest *req = l->data;
    if (req->timer != 0)
      purple_timeout_remove(req->timer);
    req->timer = 0;
    req->conn = NULL; /* queries still pending end with the session: they see this */
    request_unref(req);
  }
  g_list_free(state->requests);
  g_free(state);
  conn->info_state = NULL;
}

GList *
xmpp_purple_info_actions(GList *actions)
{
  return actions;
}

GList *
xmpp_purple_info_buddy_menu(PurpleBlistNode *node, GList *menu)
{
  return menu;
}

GList *
xmpp_purple_info_options(GList *options)
{
  return g_list_append(
      options, purple_account_option_bool_new(_("Tell contacts which operating system I use"),
                                              OPT_SHARE_OS, FALSE));
}

void
xmpp_purple_info_commands(void)
{
  purple_cmd_register("ping", "", PURPLE_CMD_P_PRPL, PURPLE_CMD_FLAG_IM | PURPLE_CMD_FLAG_PRPL_ONLY,
                      XMPP_PURPLE_PLUGIN_ID, cmd_ping,
                      _("ping: Ping the contact and show the round-trip time."), NULL);
}
