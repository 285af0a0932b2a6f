/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSearch: XEP-0055 forms and results parsed as pure functions, the directory discovered
 * through XEP-0030 (identity directory/user). */
#include "services/search.h"

#include "router/closure.h"

#include "router/stanza-error.h"
#include "services/namespaces.h"

struct _XmppSearch {
  XmppRouter *router;
};

/* ---- pure parts ---- */

static XmppNode *
get_query(const XmppNode *iq, GError **error)
{
  XmppNode *query = iq != NULL ? xmpp_node_get_child(iq, XMPP_NS_SEARCH, "query") : NULL;
  if (query == NULL)
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_BAD_REQUEST, "no search query");
  return query;
}

XmppXdataForm *
xmpp_search_parse_form(const XmppNode *iq, GError **error)
{
  XmppNode *query = get_query(iq, error);
  if (query == NULL)
    return NULL;
  XmppNode *x = xmpp_node_get_child(query, XMPP_NS_XDATA, "x");
  if (x != NULL)
    return xmpp_xdata_form_parse(x, iq, error);
  static const char *const skip[] = {"item", NULL};
  XmppXdataForm *form = xmpp_xdata_form_from_legacy(query, skip);
  /* XEP-0055 §2: any one field narrows the search; none is required by itself. */
  for (guint i = 0; i < form->fields->len; i++)
    ((XmppXdataField *)form->fields->pdata[i])->required = FALSE;
  return form;
}

static const char *const legacy_columns[] = {"jid", "first", "last", "nick", "email"};

XmppXdataForm *
xmpp_search_parse_results(const XmppNode *iq, GError **error)
{
  XmppNode *query = get_query(iq, error);
  if (query == NULL)
    return NULL;
  XmppNode *x = xmpp_node_get_child(query, XMPP_NS_XDATA, "x");
  if (x != NULL)
    return xmpp_xdata_form_parse(x, iq, error);
  XmppXdataForm *form = xmpp_xdata_form_new(XMPP_XDATA_RESULT);
  form->legacy = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS(legacy_columns); i++)
    g_ptr_array_add(form->reported, xmpp_xdata_field_new(i == 0 ? XMPP_XDATA_FIELD_JID_SINGLE
                                                                : XMPP_XDATA_FIELD_TEXT_SINGLE,
                                                         legacy_columns[i], NULL));
  for (XmppNode *item = xmpp_node_get_child(query, XMPP_NS_SEARCH, "item"); item != NULL;
       item = xmpp_node_next_child(query, item, XMPP_NS_SEARCH, "item")) {
    const char *jid = xmpp_node_get_attr(item, "jid");
    if (jid == NULL)
      continue;
    if (form->items->len >= XMPP_XDATA_MAX_ITEMS)
      break;
    GPtrArray *row = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_xdata_field_free);
    for (guint i = 0; i < G_N_ELEMENTS(legacy_columns); i++) {
      XmppXdataField *f =
          xmpp_xdata_field_new(XMPP_XDATA_FIELD_TEXT_SINGLE, legacy_columns[i], NULL);
      g_autofree char *v = i == 0
                               ? g_strdup(jid)
                               : xmpp_node_dup_child_text(item, XMPP_NS_SEARCH, legacy_columns[i]);
      xmpp_xdata_field_set_value(f, v);
      g_ptr_array_add(row, f);
    }
    g_ptr_array_add(form->items, row);
  }
  return form;
}

XmppNode *
xmpp_search_build_get(const char *to)
{
  XmppNode *iq = xmpp_stanza_new_iq("get", to, NULL);
  xmpp_node_new_child(iq, XMPP_NS_SEARCH, "query");
  return iq;
}

XmppNode *
xmpp_search_build_submit(const char *to, const XmppXdataForm *form)
{
  XmppNode *iq = xmpp_stanza_new_iq("set", to, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_SEARCH, "query");
  if (form->legacy) {
    /* Only the fields the user filled: an empty one would narrow the search to "". */
    for (guint i = 0; i < form->fields->len; i++) {
      XmppXdataField *f = form->fields->pdata[i];
      const char *v = xmpp_xdata_field_get_value(f);
      if (f->var != NULL && v != NULL && *v != '\0')
        xmpp_node_new_text_child(query, XMPP_NS_SEARCH, f->var, v);
    }
  } else {
    xmpp_node_add_child(query, xmpp_xdata_form_build_submit(form));
  }
  return iq;
}

gboolean
xmpp_search_info_is_directory(const XmppNode *iq)
{
  XmppNode *query = iq != NULL ? xmpp_node_get_child(iq, XMPP_NS_DISCO_INFO, "query") : NULL;
  for (XmppNode *id = query ? xmpp_node_get_child(query, XMPP_NS_DISCO_INFO, "identity") : NULL;
       id != NULL; id = xmpp_node_next_child(query, id, XMPP_NS_DISCO_INFO, "identity")) {
    if (g_strcmp0(xmpp_node_get_attr(id, "category"), "directory") == 0 &&
        g_strcmp0(xmpp_node_get_attr(id, "type"), "user") == 0)
      return TRUE;
  }
  return FALSE;
}

/* ---- requests ---- */

XmppSearch *
xmpp_search_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco)
{
  XmppSearch *self = g_new0(XmppSearch, 1);
  self->router = router;
  return self;
}

void
xmpp_search_free(XmppSearch *self)
{
  if (self == NULL)
    return;
  xmpp_router_cancel_owner(self->router, self); /* our requests end while we are whole */
  g_free(self);
}

typedef struct {
  XmppSearch *self;
  XmppClosure closure; /* the caller's callback */
  gboolean results;
  guint probes_left; /* discovery: disco#info answers still due */
  gboolean found;
} Pending;

static Pending *
pending_new(XmppSearch *self, gpointer cb, gpointer user_data, GDestroyNotify destroy)
{
  Pending *p = g_new0(Pending, 1);
  p->self = self;
  xmpp_closure_init(&p->closure, cb, user_data, destroy);
  return p;
}

static void
pending_free(gpointer data)
{
  Pending *p = data;
  xmpp_closure_clear(&p->closure);
  g_free(p);
}

static void
form_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  Pending *p = data;
  XmppSearchFormCallback cb = (XmppSearchFormCallback)p->closure.callback;
  if (error != NULL) {
    cb(NULL, error, p->closure.user_data);
    return;
  }
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(XmppXdataForm) form = p->results ? xmpp_search_parse_results(reply->node, &parse_error)
                                             : xmpp_search_parse_form(reply->node, &parse_error);
  cb(form, parse_error, p->closure.user_data);
}

void
xmpp_search_fetch_form(XmppSearch *self, const char *to, XmppSearchFormCallback cb,
                       gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && to != NULL && cb != NULL);
  xmpp_router_send_iq(self->router, self, xmpp_search_build_get(to), 0, form_reply,
                      pending_new(self, cb, user_data, destroy), pending_free);
}

void
xmpp_search_submit(XmppSearch *self, const char *to, const XmppXdataForm *form,
                   XmppSearchFormCallback cb, gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && to != NULL && form != NULL && cb != NULL);
  Pending *p = pending_new(self, cb, user_data, destroy);
  p->results = TRUE;
  xmpp_router_send_iq(self->router, self, xmpp_search_build_submit(to, form), 0, form_reply, p,
                      pending_free);
}

/* Discovery: one disco#info per server item (at most XMPP_SEARCH_MAX_PROBES); the first
 * directory answers; the callback runs once, when found or when the last probe ends. */
typedef struct {
  Pending *p; /* shared; freed with the last probe */
  char *jid;
} Probe;

static void
discover_finish(Pending *p, const char *jid)
{
  if (p->found)
    return;
  p->found = TRUE;
  ((XmppSearchDiscoverCallback)p->closure.callback)(jid, p->closure.user_data);
}

static void
probe_free(gpointer data)
{
  Probe *probe = data;
  Pending *p = probe->p;
  if (--p->probes_left == 0) {
    discover_finish(p, NULL);
    pending_free(p);
  }
  g_free(probe->jid);
  g_free(probe);
}

static void
info_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  Probe *probe = data;
  if (error == NULL && xmpp_search_info_is_directory(reply->node))
    discover_finish(probe->p, probe->jid);
}

static void
items_reply(const XmppStanza *reply, const GError *error, gpointer data)
{
  Pending *p = data;
  XmppNode *query =
      error == NULL ? xmpp_node_get_child(reply->node, XMPP_NS_DISCO_ITEMS, "query") : NULL;
  GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);
  for (XmppNode *item = query ? xmpp_node_get_child(query, XMPP_NS_DISCO_ITEMS, "item") : NULL;
       item != NULL && jids->len < XMPP_SEARCH_MAX_PROBES;
       item = xmpp_node_next_child(query, item, XMPP_NS_DISCO_ITEMS, "item")) {
    const char *jid = xmpp_node_get_attr(item, "jid");
    /* Only an item that names a JID is probed: a request to a string that is not one would
     * have its reply checked as if it came from our own account (T38). Found by fuzz-disco. */
    g_autoptr(XmppJid) valid = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
    if (valid != NULL && xmpp_node_get_attr(item, "node") == NULL)
      g_ptr_array_add(jids, g_strdup(jid));
  }
  if (jids->len == 0) {
    discover_finish(p, NULL);
    g_ptr_array_unref(jids);
    return;
  }
  /* The probes own a second Pending that carries the callback; this one just ends. */
  Pending *shared =
      pending_new(p->self, p->closure.callback, p->closure.user_data, p->closure.destroy);
  p->closure.destroy = NULL; /* handed over to shared */
  p->found = TRUE;
  shared->probes_left = jids->len;
  for (guint i = 0; i < jids->len; i++) {
    Probe *probe = g_new0(Probe, 1);
    probe->p = shared;
    probe->jid = g_strdup(jids->pdata[i]);
    XmppNode *iq = xmpp_stanza_new_iq("get", jids->pdata[i], NULL);
    xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
    xmpp_router_send_iq(p->self->router, p->self, iq, 0, info_reply, probe, probe_free);
  }
  g_ptr_array_unref(jids);
}

void
xmpp_search_discover(XmppSearch *self, XmppSearchDiscoverCallback cb, gpointer user_data,
                     GDestroyNotify destroy)
{
  g_return_if_fail(self != NULL && cb != NULL);
  const XmppJid *own = xmpp_router_get_own_jid(self->router);
  XmppNode *iq = xmpp_stanza_new_iq("get", own ? xmpp_jid_get_domain(own) : NULL, NULL);
  xmpp_node_new_child(iq, XMPP_NS_DISCO_ITEMS, "query");
  Pending *p = pending_new(self, cb, user_data, destroy);
  xmpp_router_send_iq(self->router, self, iq, 0, items_reply, p, pending_free);
}
