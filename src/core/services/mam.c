/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMam: XEP-0313 catch-up, one page at a time (XEP-0059 RSM "after"), oldest first. Only
 * one query runs at a time; its query id is random and a result must carry it (T40). */
#include "services/mam.h"

#include "im/namespaces.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "xml/datetime.h"

struct _XmppMam {
  XmppRouter *router;
  const XmppHost *host;
  XmppMessages *messages;
  guint handler;
  XmppMamEvents events;
  gpointer events_data;
  char *queryid; /* the page in flight; NULL: no catch-up running */
  char *after_id;
  gint64 start_s;
  gboolean restarted; /* after_id was unknown to the archive: started over from start_s */
  guint fetched;
  guint page_fetched;
  guint max;
  char *last_id;
};

XmppNode *
xmpp_mam_build_query(const char *queryid, const char *after_id, gint64 start_s, guint max)
{
  XmppNode *iq = xmpp_stanza_new_iq("set", NULL, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_MAM, "query");
  xmpp_node_set_attr(query, "queryid", queryid);
  XmppNode *x = xmpp_node_new_child(query, XMPP_NS_XDATA, "x");
  xmpp_node_set_attr(x, "type", "submit");
  XmppNode *field = xmpp_node_new_child(x, XMPP_NS_XDATA, "field");
  xmpp_node_set_attr(field, "var", "FORM_TYPE");
  xmpp_node_set_attr(field, "type", "hidden");
  xmpp_node_new_text_child(field, XMPP_NS_XDATA, "value", XMPP_NS_MAM);
  if (after_id == NULL && start_s > 0) {
    field = xmpp_node_new_child(x, XMPP_NS_XDATA, "field");
    xmpp_node_set_attr(field, "var", "start");
    g_autofree char *stamp = xmpp_datetime_format(start_s);
    xmpp_node_new_text_child(field, XMPP_NS_XDATA, "value", stamp);
  }
  XmppNode *set = xmpp_node_new_child(query, XMPP_NS_RSM, "set");
  char value[16];
  g_snprintf(value, sizeof value, "%u", max);
  xmpp_node_new_text_child(set, XMPP_NS_RSM, "max", value);
  if (after_id != NULL)
    xmpp_node_new_text_child(set, XMPP_NS_RSM, "after", after_id);
  return iq;
}

/* Our own archive: no from (our account answers), or our bare JID written out (T40). */
static gboolean
from_own_archive(const XmppMam *mam, const XmppStanza *stanza)
{
  if (stanza->from_invalid)
    return FALSE;
  if (stanza->from == NULL)
    return TRUE;
  const XmppJid *own = xmpp_router_get_own_jid(mam->router);
  return xmpp_jid_get_resource(stanza->from) == NULL &&
         xmpp_jid_equal(stanza->from, own, XMPP_JID_MATCH_BARE);
}

static XmppHandlerResult
on_result(XmppStanza *stanza, gpointer data)
{
  XmppMam *mam = data;
  XmppNode *result = xmpp_node_get_child(stanza->node, XMPP_NS_MAM, "result");
  const char *queryid = xmpp_node_get_attr(result, "queryid");
  const char *id = xmpp_node_get_attr(result, "id");
  /* Another archive's (a room's): the room module's, which drops what it did not ask for. */
  if (!from_own_archive(mam, stanza) && !stanza->from_invalid && stanza->from != NULL &&
      xmpp_jid_get_resource(stanza->from) == NULL &&
      !xmpp_jid_equal(stanza->from, xmpp_router_get_own_jid(mam->router), XMPP_JID_MATCH_BARE))
    return XMPP_HANDLER_PASS;
  if (!from_own_archive(mam, stanza) || mam->queryid == NULL ||
      g_strcmp0(queryid, mam->queryid) != 0 || id == NULL || *id == '\0' ||
      strlen(id) > XMPP_MESSAGE_MAX_ID) {
    /* Consumed all the same: a forged archive result must not reach the chat owner. */
    xmpp_host_log(mam->host, XMPP_LOG_WARNING,
                  "dropping an archive result from %s: not an answer to our query",
                  stanza->from != NULL ? xmpp_jid_get_full(stanza->from) : "our account");
    return XMPP_HANDLER_CONSUMED;
  }
  XmppNode *fwd = xmpp_node_get_child(result, XMPP_NS_FORWARD, "forwarded");
  XmppNode *inner = fwd != NULL ? xmpp_node_get_child(fwd, XMPP_NS_JABBER_CLIENT, "message") : NULL;
  if (inner == NULL || mam->fetched >= mam->max) {
    if (inner == NULL)
      xmpp_host_log(mam->host, XMPP_LOG_WARNING, "archive result %s holds no message", id);
    return XMPP_HANDLER_CONSUMED;
  }
  /* The archive's <delay/> is on the forward: the message was sent then, not now. */
  XmppNode *copy = xmpp_node_copy(inner);
  XmppNode *delay = xmpp_node_get_child(fwd, XMPP_NS_DELAY, "delay");
  if (delay != NULL && xmpp_node_get_child(copy, XMPP_NS_DELAY, "delay") == NULL)
    xmpp_node_add_child(copy, xmpp_node_copy(delay));
  g_autoptr(XmppStanza) archived = xmpp_stanza_new(copy);
  xmpp_messages_apply_archived(mam->messages, archived, id);
  mam->fetched++;
  mam->page_fetched++;
  g_free(mam->last_id);
  mam->last_id = g_strdup(id);
  return XMPP_HANDLER_CONSUMED;
}

static void send_page(XmppMam *mam);

static void
finish(XmppMam *mam, gboolean complete, const GError *error)
{
  g_clear_pointer(&mam->queryid, g_free);
  g_clear_pointer(&mam->after_id, g_free);
  xmpp_host_log(mam->host, XMPP_LOG_INFO, "archive catch-up: %u message(s), %s%s%s", mam->fetched,
                complete ? "complete" : "stopped", error != NULL ? ": " : "",
                error != NULL ? error->message : "");
  if (mam->events.done != NULL)
    mam->events.done(mam->events_data, mam->fetched, complete, mam->last_id, error);
}

static void
on_fin(const XmppStanza *reply, const GError *error, gpointer data)
{
  XmppMam *mam = data;
  if (g_error_matches(error, XMPP_IQ_ERROR, XMPP_IQ_ERROR_CANCELLED))
    return; /* the module is being freed */
  if (error != NULL) {
    /* The archive no longer holds the id we start after (expired, or another server): once,
     * start over from the time window instead. */
    if (error->domain == XMPP_STANZA_ERROR && error->code == XMPP_STANZA_ERROR_ITEM_NOT_FOUND &&
        mam->after_id != NULL && !mam->restarted && mam->start_s > 0) {
      xmpp_host_log(mam->host, XMPP_LOG_INFO,
                    "archive catch-up: the archive forgot where we were; starting from the window");
      mam->restarted = TRUE;
      g_clear_pointer(&mam->after_id, g_free);
      send_page(mam);
      return;
    }
    finish(mam, FALSE, error);
    return;
  }
  XmppNode *fin = xmpp_node_get_child(reply->node, XMPP_NS_MAM, "fin");
  const char *complete_attr = fin != NULL ? xmpp_node_get_attr(fin, "complete") : NULL;
  gboolean complete = g_strcmp0(complete_attr, "true") == 0 || g_strcmp0(complete_attr, "1") == 0;
  XmppNode *set = fin != NULL ? xmpp_node_get_child(fin, XMPP_NS_RSM, "set") : NULL;
  g_autofree char *last = set != NULL ? xmpp_node_dup_child_text(set, XMPP_NS_RSM, "last") : NULL;
  if (last != NULL)
    g_strstrip(last);
  /* A page that brought nothing, or no way to ask for the next: the archive has no more for
   * us (whatever it says), and asking again could loop. */
  if (complete || last == NULL || *last == '\0' || mam->page_fetched == 0 ||
      g_strcmp0(last, mam->after_id) == 0) {
    finish(mam, TRUE, NULL);
    return;
  }
  if (mam->fetched >= mam->max) {
    finish(mam, FALSE, NULL);
    return;
  }
  g_free(mam->after_id);
  mam->after_id = g_steal_pointer(&last);
  send_page(mam);
  if (mam->queryid != NULL && mam->events.progress != NULL)
    mam->events.progress(mam->events_data, mam->fetched);
}

static void
send_page(XmppMam *mam)
{
  g_free(mam->queryid);
  mam->queryid = xmpp_host_random_id(mam->host);
  if (mam->queryid == NULL) {
    g_autoptr(GError) error =
        g_error_new_literal(XMPP_IQ_ERROR, XMPP_IQ_ERROR_RANDOM, "no random data for a query id");
    finish(mam, FALSE, error);
    return;
  }
  mam->page_fetched = 0;
  XmppNode *iq = xmpp_mam_build_query(mam->queryid, mam->after_id, mam->start_s,
                                      MIN(XMPP_MAM_PAGE_SIZE, mam->max - mam->fetched));
  /* Results come first, then this answer (XEP-0313 §5.1): it ends the page. */
  xmpp_router_send_iq(mam->router, mam, iq, 0, on_fin, mam, NULL);
}

gboolean
xmpp_mam_catch_up(XmppMam *mam, const char *after_id, gint64 start_s, guint max_messages)
{
  g_return_val_if_fail(mam != NULL, FALSE);
  if (mam->queryid != NULL || xmpp_router_get_own_jid(mam->router) == NULL)
    return FALSE;
  mam->after_id = after_id != NULL && *after_id != '\0' ? g_strdup(after_id) : NULL;
  mam->start_s = start_s;
  mam->restarted = FALSE;
  mam->fetched = 0;
  mam->max = max_messages != 0 ? max_messages : XMPP_MAM_MAX_MESSAGES;
  g_clear_pointer(&mam->last_id, g_free);
  xmpp_host_log(mam->host, XMPP_LOG_INFO, "archive catch-up %s%s", mam->after_id ? "after " : "",
                mam->after_id ? mam->after_id : "from the time window");
  send_page(mam);
  return TRUE;
}

gboolean
xmpp_mam_is_running(const XmppMam *mam)
{
  return mam != NULL && mam->queryid != NULL;
}

XmppMam *
xmpp_mam_new(XmppRouter *router, const XmppHost *host, XmppMessages *messages)
{
  XmppMam *mam = g_new0(XmppMam, 1);
  mam->router = router;
  mam->host = host;
  mam->messages = messages;
  mam->handler = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_MAM, "result",
                                       on_result, mam, NULL);
  return mam;
}

void
xmpp_mam_free(XmppMam *mam)
{
  if (mam == NULL)
    return;
  xmpp_router_cancel_owner(mam->router, mam);
  xmpp_router_remove_handler(mam->router, mam->handler);
  g_free(mam->queryid);
  g_free(mam->after_id);
  g_free(mam->last_id);
  g_free(mam);
}

void
xmpp_mam_set_events(XmppMam *mam, const XmppMamEvents *events, gpointer data)
{
  g_return_if_fail(mam != NULL);
  if (events != NULL)
    mam->events = *events;
  else
    memset(&mam->events, 0, sizeof mam->events);
  mam->events_data = data;
}
