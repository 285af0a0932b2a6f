/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppPresence: RFC 6121 §4: parsing presence, the per-contact resource table and the object.
 * Our own presence (invisibility, directed presence) is in presence-own.c. */
#include "im/presence-private.h"

#include "im/subscription.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "xml/datetime.h"
#include "im/namespaces.h"

/* ---- parsing (pure) ---------------------------------------------------------------------- */

static const char *const type_names[] = {NULL,          "unavailable",  "subscribe", "subscribed",
                                         "unsubscribe", "unsubscribed", "probe",     "error"};
static const char *const show_names[] = {"chat", NULL, "away", "xa", "dnd"};

const char *
xmpp_presence_type_name(XmppPresenceType type)
{
  return (guint)type < G_N_ELEMENTS(type_names) && type_names[type] ? type_names[type]
                                                                    : "available";
}

const char *
xmpp_presence_show_name(XmppPresenceShow show)
{
  return (guint)show < G_N_ELEMENTS(show_names) ? show_names[show] : NULL;
}

static XmppPresenceType
parse_type(const char *type)
{
  if (type == NULL)
    return XMPP_PRESENCE_AVAILABLE;
  for (guint i = 1; i < G_N_ELEMENTS(type_names); i++)
    if (g_strcmp0(type, type_names[i]) == 0)
      return (XmppPresenceType)i;
  return XMPP_PRESENCE_INVALID;
}

static XmppPresenceShow
parse_show(char *text)
{
  if (text != NULL)
    for (guint i = 0; i < G_N_ELEMENTS(show_names); i++)
      if (show_names[i] && g_strcmp0(g_strstrip(text), show_names[i]) == 0)
        return (XmppPresenceShow)i;
  return XMPP_SHOW_NONE; /* §4.7.2.1: unknown values are treated as no <show/> */
}

/* RFC 6121 §4.7.2.3: an integer -128..127; out of range is clamped, junk means 0. */
static int
parse_priority(char *text)
{
  gint64 value = 0;
  if (text == NULL ||
      !g_ascii_string_to_signed(g_strstrip(text), 10, G_MININT64, G_MAXINT64, &value, NULL))
    return 0;
  return (int)CLAMP(value, XMPP_PRESENCE_PRIORITY_MIN, XMPP_PRESENCE_PRIORITY_MAX);
}

/* Does a language tag match the user's: equal, or the same primary subtag ("en-GB" ~ "en"). */
static gboolean
lang_matches(const char *tag, const char *want)
{
  if (tag == NULL || want == NULL || *want == '\0')
    return FALSE;
  gsize a = strcspn(tag, "-_"), b = strcspn(want, "-_");
  return a == b && g_ascii_strncasecmp(tag, want, a) == 0;
}

/* RFC 6121 §4.7.2.2: several <status/> in different languages. The user's language, else the
 * stanza's default (a status without its own xml:lang), else the first. */
static const XmppNode *
pick_status(const XmppNode *node, const char *lang)
{
  const XmppNode *first = NULL, *deflt = NULL;
  for (XmppNode *c = xmpp_node_get_child(node, XMPP_NS_JABBER_CLIENT, "status"); c != NULL;
       c = xmpp_node_next_child(node, c, XMPP_NS_JABBER_CLIENT, "status")) {
    const char *own = xmpp_node_get_attr_ns(c, XMPP_NS_XML, "lang");
    const char *eff = own != NULL ? own : xmpp_node_get_attr_ns(node, XMPP_NS_XML, "lang");
    if (lang_matches(eff, lang))
      return c;
    if (first == NULL)
      first = c;
    if (own == NULL && deflt == NULL)
      deflt = c;
  }
  return deflt != NULL ? deflt : first;
}

static char *
cap_text(char *text)
{
  if (text != NULL && strlen(text) > XMPP_PRESENCE_MAX_STATUS) {
    char *end = g_utf8_find_prev_char(text, text + XMPP_PRESENCE_MAX_STATUS + 1);
    *(end != NULL ? end : text) = '\0';
  }
  return text;
}

/* XEP-0319 <idle since=.../> wins over XEP-0256 seconds. Absurd values (T49): a time before 1970
 * is ignored, a future one or seconds beyond the epoch are clamped to now. */
static gint64
parse_idle(const XmppNode *node, gint64 now)
{
  XmppNode *idle = xmpp_node_get_child(node, XMPP_NS_IDLE, "idle");
  const char *since = idle != NULL ? xmpp_node_get_attr(idle, "since") : NULL;
  if (since != NULL) {
    /* XEP-0319 §2: a XEP-0082 DateTime, time zone included (the one strict parser). */
    gint64 t;
    if (xmpp_datetime_parse(since, -1, &t, NULL) && t > 0)
      return MIN(t, now);
    return 0;
  }
  XmppNode *last = xmpp_node_get_child(node, XMPP_NS_LAST_ACTIVITY, "query");
  const char *seconds = last != NULL ? xmpp_node_get_attr(last, "seconds") : NULL;
  guint64 s = 0;
  if (seconds == NULL || !g_ascii_string_to_unsigned(seconds, 10, 0, G_MAXUINT64, &s, NULL) ||
      s == 0 || now <= 0)
    return 0;
  return s >= (guint64)now ? 1 : now - (gint64)s;
}

XmppPresenceInfo *
xmpp_presence_info_parse(const XmppNode *node, const char *lang, gint64 now)
{
  XmppPresenceInfo *info = g_new0(XmppPresenceInfo, 1);
  info->type = XMPP_PRESENCE_INVALID;
  info->show = XMPP_SHOW_NONE;
  if (node == NULL || !xmpp_node_is(node, XMPP_NS_JABBER_CLIENT, "presence"))
    return info;
  const char *from = xmpp_node_get_attr(node, "from");
  info->from = from != NULL ? xmpp_jid_parse(from, NULL) : NULL;
  info->type = parse_type(xmpp_node_get_attr(node, "type"));
  char *show = xmpp_node_dup_child_text(node, XMPP_NS_JABBER_CLIENT, "show");
  info->show = parse_show(show);
  g_free(show);
  const XmppNode *status = pick_status(node, lang);
  if (status != NULL) {
    info->status = cap_text(xmpp_node_dup_text(status));
    if (*g_strstrip(info->status) == '\0')
      g_clear_pointer(&info->status, g_free);
  }
  char *prio = xmpp_node_dup_child_text(node, XMPP_NS_JABBER_CLIENT, "priority");
  info->priority = parse_priority(prio);
  g_free(prio);
  info->idle_since = parse_idle(node, now);
  info->nick = cap_text(xmpp_node_dup_child_text(node, XMPP_NS_NICK, "nick"));
  XmppNode *caps = xmpp_node_get_child(node, XMPP_NS_CAPS, "c");
  info->caps_node = caps != NULL ? g_strdup(xmpp_node_get_attr(caps, "node")) : NULL;
  info->muc = xmpp_node_get_child(node, XMPP_NS_MUC_USER, "x") != NULL;
  if (info->type == XMPP_PRESENCE_ERROR) {
    XmppStanza *stanza = xmpp_stanza_new(xmpp_node_copy(node));
    info->error = xmpp_stanza_error_from_stanza(stanza);
    xmpp_stanza_free(stanza);
  }
  return info;
}

void
xmpp_presence_info_free(XmppPresenceInfo *info)
{
  if (info == NULL)
    return;
  xmpp_jid_free(info->from);
  g_free(info->status);
  g_free(info->nick);
  g_free(info->caps_node);
  g_clear_error(&info->error);
  g_free(info);
}

/* ---- the resource table ------------------------------------------------------------------- */

static void
resource_free(gpointer data)
{
  XmppPresenceResource *r = data;
  g_free(r->resource);
  g_free(r->status);
  g_free(r);
}

static XmppPresenceContact *
contact_new(const char *bare)
{
  XmppPresenceContact *c = g_new0(XmppPresenceContact, 1);
  c->bare = g_strdup(bare);
  c->resources = g_ptr_array_new_with_free_func(resource_free);
  return c;
}

static void
contact_free(gpointer data)
{
  XmppPresenceContact *c = data;
  g_free(c->bare);
  g_ptr_array_free(c->resources, TRUE);
  g_free(c->error);
  xmpp_stanza_error_info_free(c->error_info);
  g_free(c);
}

/* > 0 when a is better than b. */
static int
compare_resources(const XmppPresenceResource *a, const XmppPresenceResource *b)
{
  if (a->priority != b->priority)
    return a->priority > b->priority ? 1 : -1;
  if (a->show != b->show)
    return a->show < b->show ? 1 : -1; /* the enum goes from most to least available */
  return a->serial > b->serial ? 1 : a->serial < b->serial ? -1 : 0;
}

const XmppPresenceResource *
xmpp_presence_contact_get_best(const XmppPresenceContact *contact)
{
  const XmppPresenceResource *best = NULL;
  for (guint i = 0; contact != NULL && i < contact->resources->len; i++) {
    const XmppPresenceResource *r = contact->resources->pdata[i];
    if (best == NULL || compare_resources(r, best) > 0)
      best = r;
  }
  return best;
}

static XmppPresenceResource *
find_resource(XmppPresenceContact *c, const char *resource, guint *index)
{
  for (guint i = 0; i < c->resources->len; i++) {
    XmppPresenceResource *r = c->resources->pdata[i];
    if (g_strcmp0(r->resource, resource) == 0) {
      if (index)
        *index = i;
      return r;
    }
  }
  return NULL;
}

static void
emit_changed(XmppPresence *p, const XmppPresenceContact *c)
{
  if (p->events.contact_changed)
    p->events.contact_changed(p->events_data, c);
}

static XmppPresenceContact *
get_or_add_contact(XmppPresence *p, const char *bare)
{
  XmppPresenceContact *c = g_hash_table_lookup(p->contacts, bare);
  if (c == NULL) {
    if (g_hash_table_size(p->contacts) >= XMPP_PRESENCE_MAX_CONTACTS) {
      xmpp_host_log(p->host, XMPP_LOG_WARNING, "presence: too many contacts, %s ignored", bare);
      return NULL;
    }
    c = contact_new(bare);
    g_hash_table_insert(p->contacts, c->bare, c);
  }
  return c;
}

static void
apply_available(XmppPresence *p, const XmppPresenceInfo *info, const char *resource)
{
  XmppPresenceContact *c = get_or_add_contact(p, xmpp_jid_get_bare(info->from));
  if (c == NULL)
    return;
  XmppPresenceResource *r = find_resource(c, resource, NULL);
  if (r == NULL) {
    if (c->resources->len >= XMPP_PRESENCE_MAX_RESOURCES) {
      xmpp_host_log(p->host, XMPP_LOG_WARNING, "presence: %s has too many resources", c->bare);
      return;
    }
    r = g_new0(XmppPresenceResource, 1);
    r->resource = g_strdup(resource);
    g_ptr_array_add(c->resources, r);
  }
  r->show = info->show;
  g_free(r->status);
  r->status = g_strdup(info->status);
  r->priority = info->priority;
  r->idle_since = info->idle_since;
  r->serial = ++p->serial;
  g_clear_pointer(&c->error, g_free);
  g_clear_pointer(&c->error_info, xmpp_stanza_error_info_free);
  emit_changed(p, c);
}

static void
apply_gone(XmppPresence *p, const XmppPresenceInfo *info, const char *resource)
{
  const char *bare = xmpp_jid_get_bare(info->from);
  XmppPresenceContact *c = g_hash_table_lookup(p->contacts, bare);
  if (info->type == XMPP_PRESENCE_ERROR) {
    /* A presence error (e.g. remote-server-not-found): the contact is unreachable; keep the
     * reason for the tooltip. */
    c = get_or_add_contact(p, bare);
    if (c == NULL)
      return;
    g_ptr_array_set_size(c->resources, 0);
    g_free(c->error);
    c->error = g_strdup(info->error != NULL ? info->error->message : "error");
    xmpp_stanza_error_info_free(c->error_info);
    c->error_info = xmpp_stanza_error_info_copy(xmpp_stanza_error_info_from_gerror(info->error));
    emit_changed(p, c);
    return;
  }
  if (c == NULL) {
    XmppPresenceContact *tmp = contact_new(bare); /* tell the glue it is offline anyway */
    emit_changed(p, tmp);
    contact_free(tmp);
    return;
  }
  guint index;
  if (resource == NULL || *resource == '\0')
    g_ptr_array_set_size(c->resources, 0); /* from the bare JID: every resource is gone */
  else if (find_resource(c, resource, &index) != NULL)
    g_ptr_array_remove_index(c->resources, index);
  g_hash_table_steal(p->contacts, bare);
  emit_changed(p, c);
  if (c->resources->len == 0 && c->error == NULL)
    contact_free(c);
  else
    g_hash_table_insert(p->contacts, c->bare, c);
}

void
xmpp_presence_forget_all(XmppPresence *p)
{
  g_return_if_fail(p != NULL);
  /* Out of the table first, so that the glue asking about a contact meanwhile gets the truth. */
  GPtrArray *gone = g_ptr_array_new_with_free_func(contact_free);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, p->contacts);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    g_ptr_array_add(gone, value);
    g_hash_table_iter_steal(&iter);
  }
  for (guint i = 0; i < gone->len; i++) {
    XmppPresenceContact *c = gone->pdata[i];
    g_ptr_array_set_size(c->resources, 0);
    emit_changed(p, c);
  }
  g_ptr_array_unref(gone);
}

void
xmpp_presence_apply(XmppPresence *p, const XmppPresenceInfo *info)
{
  g_return_if_fail(p != NULL && info != NULL);
  if (info->from == NULL || info->muc)
    return;
  const char *resource = xmpp_jid_get_resource(info->from);
  switch (info->type) {
    case XMPP_PRESENCE_AVAILABLE:
      apply_available(p, info, resource != NULL ? resource : "");
      break;
    case XMPP_PRESENCE_UNAVAILABLE:
    case XMPP_PRESENCE_ERROR:
      apply_gone(p, info, resource);
      break;
    case XMPP_PRESENCE_SUBSCRIBE:
    case XMPP_PRESENCE_SUBSCRIBED:
    case XMPP_PRESENCE_UNSUBSCRIBE:
    case XMPP_PRESENCE_UNSUBSCRIBED:
      xmpp_subscription_handle(p, info);
      break;
    case XMPP_PRESENCE_PROBE: /* the server answers probes (§4.3); clients ignore them */
    case XMPP_PRESENCE_INVALID:
      break;
  }
}

const XmppPresenceContact *
xmpp_presence_get_contact(const XmppPresence *p, const char *bare)
{
  return bare != NULL ? g_hash_table_lookup(p->contacts, bare) : NULL;
}

guint
xmpp_presence_n_contacts(const XmppPresence *p)
{
  return g_hash_table_size(p->contacts);
}

static XmppHandlerResult
on_presence(XmppStanza *stanza, gpointer data)
{
  XmppPresence *p = data;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  g_autoptr(XmppPresenceInfo) info = xmpp_presence_info_parse(stanza->node, p->lang, now);
  if (info->muc)
    return XMPP_HANDLER_PASS; /* a room's, not a contact's */
  xmpp_presence_apply(p, info);
  return XMPP_HANDLER_PASS; /* other modules read their children too (caps, avatars) */
}

/* ---- the object ---------------------------------------------------------------------------- */

XmppPresence *
xmpp_presence_new(XmppRouter *router, const XmppHost *host, XmppRoster *roster)
{
  XmppPresence *p = g_new0(XmppPresence, 1);
  p->router = router;
  p->host = host;
  p->roster = roster;
  p->contacts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, contact_free);
  p->pending_in = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  p->approved = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->handler =
      xmpp_router_add_owner(router, XMPP_STANZA_PRESENCE, NULL, NULL, on_presence, p, NULL);
  return p;
}

void
xmpp_presence_free(XmppPresence *p)
{
  if (p == NULL)
    return;
  xmpp_router_cancel_owner(p->router, p); /* our IQs end while we are whole */
  xmpp_router_remove_handler(p->router, p->handler);
  g_hash_table_destroy(p->contacts);
  g_hash_table_destroy(p->pending_in);
  g_hash_table_destroy(p->approved);
  g_free((char *)p->own.status);
  g_free(p->lang);
  g_free(p);
}

void
xmpp_presence_set_events(XmppPresence *p, const XmppPresenceEvents *events, gpointer data)
{
  p->events = events != NULL ? *events : (XmppPresenceEvents){0};
  p->events_data = data;
}

void
xmpp_presence_set_lang(XmppPresence *p, const char *lang)
{
  g_free(p->lang);
  p->lang = g_strdup(lang);
}

void
xmpp_presence_set_pre_approval(XmppPresence *p, gboolean supported)
{
  p->pre_approval = supported;
}

gboolean
xmpp_presence_get_pre_approval(const XmppPresence *p)
{
  return p->pre_approval;
}

XmppRouter *
xmpp_presence_get_router(XmppPresence *p)
{
  return p->router;
}

XmppRoster *
xmpp_presence_get_roster(XmppPresence *p)
{
  return p->roster;
}

const XmppHost *
xmpp_presence_get_host(XmppPresence *p)
{
  return p->host;
}

const XmppPresenceEvents *
xmpp_presence_get_events(XmppPresence *p, gpointer *data)
{
  *data = p->events_data;
  return &p->events;
}

GHashTable *
xmpp_presence_get_pending_in(XmppPresence *p)
{
  return p->pending_in;
}

GHashTable *
xmpp_presence_get_approved(XmppPresence *p)
{
  return p->approved;
}
