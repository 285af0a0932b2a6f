/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, a room's history without duplicates: before a join the room is asked what it offers
 * (XEP-0030); a room that keeps an archive (XEP-0313 §6, urn:xmpp:mam:2 among its features) is
 * joined without legacy history and caught up from the archive after the last message we have
 * (a first join: its last XMPP_MUC_HISTORY_FIRST), any other room with the legacy history since
 * our last message (XEP-0045 §7.2.15; a first join: the last XMPP_MUC_HISTORY_FIRST). What both
 * bring is shown once (muc.c's dedup). Archive results count only from the room we asked and
 * for the query we sent (catalogue T40's rule, for rooms); anything else is dropped here. */
#include "muc/muc-private.h"

#include <string.h>

#include "services/mam.h"
#include "xml/datetime.h"

/* The join presence, with the history we want (§7.2.15). */
static void
send_join(XmppMuc *muc, Room *r)
{
  g_autofree char *to = g_strdup_printf("%s/%s", r->jid, r->nick);
  g_autoptr(XmppNode) p = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_node_set_attr(p, "to", to);
  XmppNode *x = xmpp_node_new_child(p, XMPP_NS_MUC, "x");
  XmppNode *history = xmpp_node_new_child(x, XMPP_NS_MUC, "history");
  if (r->archived) {
    xmpp_node_set_attr(history, "maxchars", "0"); /* the archive brings it */
  } else if (r->mark_s > 0) {
    g_autofree char *since = xmpp_datetime_format(r->mark_s);
    xmpp_node_set_attr(history, "since", since);
  } else {
    char max[16];
    g_snprintf(max, sizeof max, "%u", XMPP_MUC_HISTORY_FIRST);
    xmpp_node_set_attr(history, "maxstanzas", max);
  }
  if (r->password != NULL)
    xmpp_node_new_text_child(x, XMPP_NS_MUC, "password", r->password);
  xmpp_router_send(muc->router, p);
}

/* A request about room r, for this join of it only. */
static RoomRequest *
request_for(XmppMuc *muc, Room *r)
{
  RoomRequest *rr = xmpp_muc_room_request_new(muc, r->jid);
  rr->joins = r->joins;
  return rr;
}

/* The room of a request, if it is still the same join of it. */
static Room *
room_of_request(RoomRequest *rr, const GError *error)
{
  if (error != NULL && xmpp_iq_error_is_ended(error))
    return NULL;
  Room *r = g_hash_table_lookup(rr->muc->rooms, rr->room);
  return r != NULL && r->joins == rr->joins ? r : NULL;
}

static gboolean
has_feature(const XmppNode *query, const char *feature)
{
  for (const XmppNode *f = xmpp_node_get_child(query, XMPP_NS_DISCO_INFO, "feature"); f != NULL;
       f = xmpp_node_next_child(query, f, XMPP_NS_DISCO_INFO, "feature"))
    if (g_strcmp0(xmpp_node_get_attr(f, "var"), feature) == 0)
      return TRUE;
  return FALSE;
}

static void
on_room_info(const XmppStanza *reply, const GError *error, gpointer data)
{
  Room *r = room_of_request(data, error);
  if (r == NULL || r->state != ROOM_JOINING)
    return;
  /* No answer (a room not made yet says item-not-found): the legacy history, which a new
   * room does not have anyway. */
  XmppNode *query = error == NULL ? xmpp_stanza_get_payload(reply) : NULL;
  r->archived = has_feature(query, XMPP_NS_MAM);
  send_join(((RoomRequest *)data)->muc, r);
}

void
xmpp_muc_history_join(XmppMuc *muc, Room *r)
{
  r->joins++;
  g_clear_pointer(&r->queryid, g_free); /* a catch-up of the previous join is over */
  if (r->discovered) {
    send_join(muc, r);
    return;
  }
  r->discovered = TRUE; /* asked once a join of the room; a rejoin keeps the answer */
  XmppNode *iq = xmpp_stanza_new_iq("get", r->jid, NULL);
  xmpp_node_new_child(iq, XMPP_NS_DISCO_INFO, "query");
  xmpp_router_send_iq(muc->router, muc, iq, XMPP_MUC_DISCO_TIMEOUT_MS, on_room_info,
                      request_for(muc, r), xmpp_muc_room_request_free);
}

/* ---- the archive's catch-up ----------------------------------------------------------------- */

static void send_page(XmppMuc *muc, Room *r);

static void
caught_up(XmppMuc *muc, Room *r, const char *why)
{
  xmpp_muc_tell_mark(muc, r);
  xmpp_host_log(muc->host, XMPP_LOG_INFO, "%s: %u message(s) from the room's archive (%s)", r->jid,
                r->fetched, why);
  g_clear_pointer(&r->queryid, g_free);
  g_clear_pointer(&r->page_after, g_free);
}

static void
on_fin(const XmppStanza *reply, const GError *error, gpointer data)
{
  RoomRequest *rr = data;
  Room *r = room_of_request(rr, error);
  if (r == NULL || r->queryid == NULL)
    return;
  if (error != NULL) {
    /* The archive no longer has our last message (expired): once, from its time instead. */
    if (g_error_matches(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND) &&
        r->page_after != NULL && r->mark_s > 0 && r->fetched == 0) {
      g_clear_pointer(&r->page_after, g_free);
      g_clear_pointer(&r->mark_id, g_free);
      send_page(rr->muc, r);
      return;
    }
    caught_up(rr->muc, r, error->message);
    return;
  }
  xmpp_muc_tell_mark(rr->muc, r); /* once a page, not once a message */
  XmppNode *fin = xmpp_node_get_child(reply->node, XMPP_NS_MAM, "fin");
  const char *complete = fin != NULL ? xmpp_node_get_attr(fin, "complete") : NULL;
  XmppNode *set = fin != NULL ? xmpp_node_get_child(fin, XMPP_NS_RSM, "set") : NULL;
  g_autofree char *last = set != NULL ? xmpp_node_dup_child_text(set, XMPP_NS_RSM, "last") : NULL;
  /* The first join's one page, the archive's end, a page that brought nothing or no way on
   * (asking again could loop), or enough for one join. */
  if (r->page_after == NULL && r->mark_s == 0)
    caught_up(rr->muc, r, "the last page");
  else if (g_strcmp0(complete, "true") == 0 || g_strcmp0(complete, "1") == 0)
    caught_up(rr->muc, r, "complete");
  else if (last == NULL || *g_strstrip(last) == '\0' || r->page_fetched == 0 ||
           g_strcmp0(last, r->page_after) == 0)
    caught_up(rr->muc, r, "no further page");
  else if (r->fetched >= XMPP_MUC_HISTORY_MAX)
    caught_up(rr->muc, r, "the limit");
  else {
    g_free(r->page_after);
    r->page_after = g_steal_pointer(&last);
    send_page(rr->muc, r);
  }
}

/* One page: after our last message's archive id (or its time), or the archive's last page. */
static void
send_page(XmppMuc *muc, Room *r)
{
  g_free(r->queryid);
  r->queryid = xmpp_host_random_id(muc->host);
  if (r->queryid == NULL)
    return;
  r->page_fetched = 0;
  XmppNode *iq;
  if (r->page_after != NULL) {
    iq = xmpp_mam_build_query(r->queryid, r->page_after, 0, XMPP_MUC_HISTORY_PAGE);
  } else if (r->mark_s > 0) {
    iq = xmpp_mam_build_query(r->queryid, NULL, r->mark_s, XMPP_MUC_HISTORY_PAGE);
  } else {
    iq = xmpp_mam_build_query(r->queryid, NULL, 0, XMPP_MUC_HISTORY_FIRST);
    XmppNode *query = xmpp_node_get_child(iq, XMPP_NS_MAM, "query");
    xmpp_node_new_child(xmpp_node_get_child(query, XMPP_NS_RSM, "set"), XMPP_NS_RSM, "before");
  }
  xmpp_node_set_attr(iq, "to", r->jid);
  xmpp_router_send_iq(muc->router, muc, iq, 0, on_fin, request_for(muc, r),
                      xmpp_muc_room_request_free);
}

void
xmpp_muc_history_joined(XmppMuc *muc, Room *r)
{
  if (!r->archived)
    return;
  r->fetched = 0;
  g_free(r->page_after);
  r->page_after = g_strdup(r->mark_id);
  send_page(muc, r);
}

XmppHandlerResult
xmpp_muc_history_on_result(XmppStanza *stanza, gpointer data)
{
  XmppMuc *muc = data;
  XmppNode *result = xmpp_node_get_child(stanza->node, XMPP_NS_MAM, "result");
  const char *queryid = xmpp_node_get_attr(result, "queryid");
  const char *id = xmpp_node_get_attr(result, "id");
  Room *r = stanza->from != NULL && xmpp_jid_get_resource(stanza->from) == NULL
                ? g_hash_table_lookup(muc->rooms, xmpp_jid_get_bare(stanza->from))
                : NULL;
  XmppNode *fwd = xmpp_node_get_child(result, XMPP_NS_FORWARD, "forwarded");
  XmppNode *inner = xmpp_node_get_child(fwd, XMPP_NS_JABBER_CLIENT, "message");
  if (r == NULL || r->queryid == NULL || g_strcmp0(queryid, r->queryid) != 0 || id == NULL ||
      *id == '\0' || strlen(id) > XMPP_MESSAGE_MAX_ID || inner == NULL) {
    xmpp_host_log(muc->host, XMPP_LOG_WARNING,
                  "dropping an archive result from %s: not an answer to our query",
                  stanza->from != NULL ? xmpp_jid_get_full(stanza->from) : "our account");
    return XMPP_HANDLER_CONSUMED;
  }
  r->fetched++;
  r->page_fetched++;
  /* The archive's <delay/> is on the forward: the message was sent then. */
  XmppNode *copy = xmpp_node_copy(inner);
  XmppNode *delay = xmpp_node_get_child(fwd, XMPP_NS_DELAY, "delay");
  if (delay != NULL && xmpp_node_get_child(copy, XMPP_NS_DELAY, "delay") == NULL)
    xmpp_node_add_child(copy, xmpp_node_copy(delay));
  g_autoptr(XmppStanza) archived = xmpp_stanza_new(copy);
  /* Only the room's own groupchat messages (a private message is no room history). */
  if (g_strcmp0(archived->type, "groupchat") == 0 && archived->from != NULL &&
      g_strcmp0(xmpp_jid_get_bare(archived->from), r->jid) == 0)
    xmpp_muc_show_message(muc, r, archived, id);
  return XMPP_HANDLER_CONSUMED;
}
