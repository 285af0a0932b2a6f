/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc: rooms (XEP-0045 §7): joining, leaving, occupants from the room's presences; what
 * rooms say is muc-message.c's. */
#include "muc/muc.h"
#include "muc/muc-private.h"

#include <string.h>

#include "im/namespaces.h"
#include "router/namespaces.h"
#include "im/oob.h"
#include "services/namespaces.h"

static void
occupant_free(gpointer data)
{
  Occupant *o = data;
  g_free(o->nick);
  xmpp_jid_free(o->real_jid);
  g_free(o);
}

static void
room_free(gpointer data)
{
  Room *r = data;
  g_free(r->jid);
  xmpp_jid_free(r->parsed);
  g_free(r->nick);
  g_free(r->password);
  g_hash_table_destroy(r->occupants);
  g_free(r->subject);
  g_free(r->mark_id);
  g_free(r->queryid);
  g_free(r->page_after);
  g_free(r);
}

static XmppMucOccupant
public_view(const Occupant *o)
{
  return (XmppMucOccupant){
      .nick = o->nick, .role = o->role, .affiliation = o->affiliation, .real_jid = o->real_jid};
}

Room *
xmpp_muc_room_of(XmppMuc *muc, const XmppStanza *stanza)
{
  if (stanza->from == NULL || xmpp_jid_get_local(stanza->from) == NULL)
    return NULL;
  return g_hash_table_lookup(muc->rooms, xmpp_jid_get_bare(stanza->from));
}

void
xmpp_muc_send_presence(XmppMuc *muc, const char *room, const char *nick, const char *type)
{
  g_autofree char *to = g_strdup_printf("%s/%s", room, nick);
  g_autoptr(XmppNode) p = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_node_set_attr(p, "to", to);
  if (type != NULL)
    xmpp_node_set_attr(p, "type", type);
  xmpp_router_send(muc->router, p);
}

/* ---- presence ----------------------------------------------------------------------------- */

RoomRequest *
xmpp_muc_room_request_new(XmppMuc *muc, const char *room)
{
  RoomRequest *r = g_new0(RoomRequest, 1);
  r->muc = muc;
  r->room = g_strdup(room);
  return r;
}

void
xmpp_muc_room_request_free(gpointer request)
{
  RoomRequest *r = request;
  g_free(r->room);
  g_free(r);
}

/* The service took the new room's default configuration: the room says so in its window. */
static void
on_instant_room(const XmppStanza *reply, const GError *error, gpointer data)
{
  RoomRequest *ir = data;
  XmppMuc *muc = ir->muc;
  if (error != NULL && xmpp_iq_error_is_ended(error))
    return;
  if (error != NULL) {
    xmpp_host_log(muc->host, XMPP_LOG_WARNING, "the new room kept its lock: %s", error->message);
    return;
  }
  Room *room = g_hash_table_lookup(muc->rooms, ir->room);
  if (room != NULL && room->state == ROOM_JOINED && muc->events.room_changed != NULL)
    muc->events.room_changed(muc->events_data, room->jid, XMPP_MUC_STATUS_CREATED);
}

/* Our room is new and waits for its owner (201): we take the default configuration, an
 * instant room (§10.1.2). We are in it already: a service that does not lock new rooms
 * (ejabberd) lets others in and passes their words on before it answers. */
static void
accept_instant_room(XmppMuc *muc, Room *room)
{
  g_autoptr(XmppNode) iq = xmpp_stanza_new_iq("set", room->jid, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_MUC_OWNER, "query");
  XmppNode *x = xmpp_node_new_child(query, "jabber:x:data", "x");
  xmpp_node_set_attr(x, "type", "submit");
  RoomRequest *ir = xmpp_muc_room_request_new(muc, room->jid);
  xmpp_router_send_iq(muc->router, muc, g_steal_pointer(&iq), 0, on_instant_room, ir,
                      xmpp_muc_room_request_free);
}

/* The owners of room messages exist only while we are in (or joining) a room: a chat message
 * costs nothing more to someone who is in none. Keyed: they run before the chat catch-all. */
static void
rooms_changed(XmppMuc *muc)
{
  gboolean any = g_hash_table_size(muc->rooms) > 0;
  if (any && muc->handlers[1] == 0) {
    muc->handlers[1] =
        xmpp_router_add_owner(muc->router, XMPP_STANZA_MESSAGE, XMPP_NS_JABBER_CLIENT, "body",
                              xmpp_muc_on_groupchat, muc, NULL);
    muc->handlers[2] =
        xmpp_router_add_owner(muc->router, XMPP_STANZA_MESSAGE, XMPP_NS_JABBER_CLIENT, "subject",
                              xmpp_muc_on_groupchat, muc, NULL);
    /* An occupant's typing comes without a body. */
    muc->handlers[7] = xmpp_router_add_owner(muc->router, XMPP_STANZA_MESSAGE, XMPP_NS_CHATSTATES,
                                             NULL, xmpp_muc_on_groupchat, muc, NULL);
  } else if (!any && muc->handlers[1] != 0) {
    xmpp_router_remove_handler(muc->router, muc->handlers[1]);
    xmpp_router_remove_handler(muc->router, muc->handlers[2]);
    xmpp_router_remove_handler(muc->router, muc->handlers[7]);
    muc->handlers[1] = muc->handlers[2] = muc->handlers[7] = 0;
  }
}

static void
forget_room(XmppMuc *muc, Room *room, const XmppMucUser *why)
{
  g_autofree char *jid = g_strdup(room->jid);
  if (muc->events.left != NULL)
    muc->events.left(muc->events_data, jid, why);
  g_hash_table_remove(muc->rooms, jid);
  rooms_changed(muc);
}

static void
join_failed(XmppMuc *muc, Room *room, const XmppStanza *stanza)
{
  g_autoptr(GError) error = xmpp_stanza_error_from_stanza(stanza);
  g_autofree char *jid = g_strdup(room->jid);
  xmpp_host_log(muc->host, XMPP_LOG_INFO, "joining %s failed: %s", jid, error->message);
  g_hash_table_remove(muc->rooms, jid);
  rooms_changed(muc);
  if (muc->events.join_failed != NULL)
    muc->events.join_failed(muc->events_data, jid, error);
}

/* An occupant's unavailable presence: gone, or a nick change (303: a new presence follows). */
static void
occupant_unavailable(XmppMuc *muc, Room *room, const char *nick, const XmppMucUser *user)
{
  gboolean ours = (user->status & XMPP_MUC_STATUS_SELF) || g_strcmp0(nick, room->nick) == 0;
  if ((user->status & XMPP_MUC_STATUS_NICK_CHANGED) && user->new_nick != NULL) {
    Occupant *o = NULL;
    char *old_key = NULL;
    if (g_hash_table_steal_extended(room->occupants, nick, (gpointer *)&old_key, (gpointer *)&o)) {
      g_free(o->nick);
      o->nick = g_strdup(user->new_nick);
      g_hash_table_replace(room->occupants, o->nick, o);
    }
    if (ours) {
      g_free(room->nick);
      room->nick = g_strdup(user->new_nick);
    }
    if (muc->events.nick_changed != NULL && room->state == ROOM_JOINED)
      muc->events.nick_changed(muc->events_data, room->jid, nick, user->new_nick, ours);
    return;
  }
  if (ours) {
    /* Out of the room: because we asked, unless the room says it put us out. */
    gboolean put_out = (user->status & REMOVALS) != 0;
    if (room->state != ROOM_LEAVING &&
        (user->status & (XMPP_MUC_STATUS_SHUTDOWN | XMPP_MUC_STATUS_REMOVED_ERROR))) {
      /* For a while only: said, and joined again later (muc-ping.c, or a new session). */
      g_autofree char *jid = g_strdup(room->jid);
      room->state = ROOM_AWAY;
      room->pinging = FALSE;
      g_hash_table_remove_all(room->occupants);
      xmpp_host_log(muc->host, XMPP_LOG_INFO, "%s put us out for now: joining again later", jid);
      if (muc->events.left != NULL)
        muc->events.left(muc->events_data, jid, user);
      return;
    }
    forget_room(muc, room, room->state == ROOM_LEAVING && !put_out ? NULL : user);
    return;
  }
  gboolean known = g_hash_table_contains(room->occupants, nick);
  if (known && muc->events.occupant_left != NULL && room->state == ROOM_JOINED)
    muc->events.occupant_left(muc->events_data, room->jid, nick, user);
  g_hash_table_remove(room->occupants, nick);
}

static void
occupant_available(XmppMuc *muc, Room *room, const char *nick, const XmppMucUser *user)
{
  Occupant *o = g_hash_table_lookup(room->occupants, nick);
  gboolean is_new = o == NULL;
  if (is_new) {
    if (g_hash_table_size(room->occupants) >= XMPP_MUC_MAX_OCCUPANTS) {
      xmpp_host_log(muc->host, XMPP_LOG_WARNING, "%s: more than %u occupants, %s not listed",
                    room->jid, XMPP_MUC_MAX_OCCUPANTS, nick);
      return;
    }
    o = g_new0(Occupant, 1);
    o->nick = g_strdup(nick);
    g_hash_table_replace(room->occupants, o->nick, o);
  } else if (o->role == user->role && o->affiliation == user->affiliation) {
    return; /* a status or show change: nothing of ours changed */
  }
  o->role = user->role;
  o->affiliation = user->affiliation;
  xmpp_jid_free(o->real_jid);
  o->real_jid = user->real_jid != NULL ? xmpp_jid_copy(user->real_jid) : NULL;
  gboolean self = (user->status & XMPP_MUC_STATUS_SELF) != 0;
  if (self && room->state == ROOM_JOINING) {
    /* The room may have given us another nick than we asked for (210). */
    g_free(room->nick);
    room->nick = g_strdup(nick);
    room->state = ROOM_JOINED;
    xmpp_muc_watch_silence(muc);
    gboolean created = (user->status & XMPP_MUC_STATUS_CREATED) != 0;
    g_autofree char *jid = g_strdup(room->jid);
    if (muc->events.joined != NULL)
      muc->events.joined(muc->events_data, jid, nick, user->status & ~XMPP_MUC_STATUS_CREATED);
    room = g_hash_table_lookup(muc->rooms, jid); /* the user may have left it meanwhile */
    if (room == NULL || room->state != ROOM_JOINED)
      return;
    if (created)
      accept_instant_room(muc, room); /* new: no history */
    else
      xmpp_muc_history_joined(muc, room);
    return;
  }
  if (room->state == ROOM_JOINED && muc->events.occupant != NULL) {
    XmppMucOccupant view = public_view(o);
    muc->events.occupant(muc->events_data, room->jid, &view, is_new);
  }
}

static XmppHandlerResult
on_presence(XmppStanza *stanza, gpointer data)
{
  XmppMuc *muc = data;
  Room *room = xmpp_muc_room_of(muc, stanza);
  if (room == NULL)
    return XMPP_HANDLER_PASS; /* not a room of ours: whatever its codes say, nothing changes */
  if (room->state == ROOM_AWAY)
    return XMPP_HANDLER_CONSUMED; /* we are not in it until we join again */
  room->heard_us = xmpp_host_now(muc->host);
  const char *nick = xmpp_jid_get_resource(stanza->from);
  if (g_strcmp0(stanza->type, "error") == 0) {
    if (room->state == ROOM_JOINING && g_strcmp0(nick, room->nick) == 0)
      join_failed(muc, room, stanza);
    else
      xmpp_host_log(muc->host, XMPP_LOG_INFO, "presence error from %s ignored",
                    xmpp_jid_get_full(stanza->from));
    return XMPP_HANDLER_CONSUMED;
  }
  g_autoptr(XmppMucUser) user = xmpp_muc_user_parse(stanza->node);
  if (nick == NULL || user == NULL) {
    xmpp_host_log(muc->host, XMPP_LOG_INFO, "presence from %s without an occupant ignored",
                  xmpp_jid_get_full(stanza->from));
    return XMPP_HANDLER_CONSUMED;
  }
  if (user->destroyed) {
    forget_room(muc, room, user);
    return XMPP_HANDLER_CONSUMED;
  }
  if (g_strcmp0(stanza->type, "unavailable") == 0)
    occupant_unavailable(muc, room, nick, user);
  else if (stanza->type == NULL)
    occupant_available(muc, room, nick, user);
  return XMPP_HANDLER_CONSUMED;
}

/* ---- the module --------------------------------------------------------------------------- */

XmppMuc *
xmpp_muc_new(XmppRouter *router, const XmppHost *host, const XmppServerItems *server_items)
{
  XmppMuc *muc = g_new0(XmppMuc, 1);
  muc->server_items = server_items;
  muc->router = router;
  muc->host = host;
  muc->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, room_free);
  muc->seen = xmpp_dedup_new(XMPP_DEDUP_MAX_KEYS);
  /* Keyed: they run before the catch-alls of contacts' presence and of chat messages. */
  muc->handlers[0] = xmpp_router_add_owner(router, XMPP_STANZA_PRESENCE, XMPP_NS_MUC_USER, "x",
                                           on_presence, muc, NULL);
  /* Invitations first: a mediated one comes from the room and carries muc#user. */
  muc->handlers[4] = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_MUC_USER, "x",
                                           xmpp_muc_on_room_message, muc, NULL);
  muc->handlers[5] = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_CONFERENCE, "x",
                                           xmpp_muc_on_room_message, muc, NULL);
  /* Archive results our own archive's owner (services/mam.c) left: a room's, or nobody's. */
  muc->handlers[6] = xmpp_router_add_owner(router, XMPP_STANZA_MESSAGE, XMPP_NS_MAM, "result",
                                           xmpp_muc_history_on_result, muc, NULL);
  /* A room's refusal may carry no muc#user (only the <error/>). */
  muc->handlers[3] = xmpp_router_add_owner(router, XMPP_STANZA_PRESENCE, XMPP_NS_JABBER_CLIENT,
                                           "error", on_presence, muc, NULL);
  return muc; /* the room messages' owners come with the first room (rooms_changed) */
}

void
xmpp_muc_free(XmppMuc *muc)
{
  if (muc == NULL)
    return;
  xmpp_router_cancel_owner(muc->router, muc);
  xmpp_muc_stop_watching(muc);
  for (guint i = 0; i < G_N_ELEMENTS(muc->handlers); i++)
    if (muc->handlers[i] != 0)
      xmpp_router_remove_handler(muc->router, muc->handlers[i]);
  g_hash_table_destroy(muc->rooms);
  xmpp_dedup_free(muc->seen);
  for (guint i = 0; i < XMPP_MUC_MAX_SENT_IDS; i++)
    g_free(muc->sent_ids[i]);
  g_free(muc->lang);
  g_free(muc->list_service);
  g_free(muc->list_after);
  g_free(muc);
}

void
xmpp_muc_set_events(XmppMuc *muc, const XmppMucEvents *events, gpointer data)
{
  g_return_if_fail(muc != NULL);
  if (events != NULL)
    muc->events = *events;
  else
    memset(&muc->events, 0, sizeof muc->events);
  muc->events_data = data;
}

void
xmpp_muc_set_language(XmppMuc *muc, const char *lang)
{
  g_return_if_fail(muc != NULL);
  g_free(muc->lang);
  muc->lang = g_strdup(lang);
}

/* The room's normalised bare JID, or NULL with error. */
static char *
room_jid(const char *room, GError **error)
{
  char *jid = xmpp_muc_room_jid(room);
  if (jid == NULL)
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_JID_MALFORMED,
                "%s is not a room's address (room@service)", room != NULL ? room : "(none)");
  return jid;
}

gboolean
xmpp_muc_join(XmppMuc *muc, const char *room, const char *nick, const char *password,
              GError **error)
{
  return xmpp_muc_join_after(muc, room, nick, password, 0, NULL, error);
}

gboolean
xmpp_muc_join_after(XmppMuc *muc, const char *room, const char *nick, const char *password,
                    gint64 mark_s, const char *archive_id, GError **error)
{
  g_return_val_if_fail(muc != NULL, FALSE);
  g_autofree char *jid = room_jid(room, error);
  if (jid == NULL)
    return FALSE;
  g_autofree char *prepared = NULL;
  if (!xmpp_muc_nick_valid(nick, &prepared)) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_JID_MALFORMED,
                "%s is not a usable nick", nick != NULL ? nick : "(none)");
    return FALSE;
  }
  Room *away = g_hash_table_lookup(muc->rooms, jid);
  if (away != NULL && away->state == ROOM_AWAY) {
    xmpp_muc_rejoin_room(muc, away); /* the user does not wait for the next check */
    return TRUE;
  }
  if (away != NULL) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT, "already in %s", jid);
    return FALSE;
  }
  if (g_hash_table_size(muc->rooms) >= XMPP_MUC_MAX_ROOMS) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
                "already in %u rooms", XMPP_MUC_MAX_ROOMS);
    return FALSE;
  }
  Room *r = g_new0(Room, 1);
  r->jid = g_steal_pointer(&jid);
  r->parsed = xmpp_jid_parse(r->jid, NULL); /* valid: room_jid made it */
  r->nick = g_steal_pointer(&prepared);
  r->state = ROOM_JOINING;
  r->password = password != NULL && *password != '\0' ? g_strdup(password) : NULL;
  r->occupants = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, occupant_free);
  r->mark_s = MAX(mark_s, 0);
  r->mark_id = archive_id != NULL && *archive_id != '\0' ? g_strdup(archive_id) : NULL;
  g_hash_table_insert(muc->rooms, r->jid, r);
  rooms_changed(muc);
  xmpp_muc_history_join(muc, r);
  return TRUE;
}

Room *
xmpp_muc_find_room(const XmppMuc *muc, const char *room)
{
  g_autofree char *jid = room_jid(room, NULL);
  return jid != NULL ? g_hash_table_lookup(muc->rooms, jid) : NULL;
}

void
xmpp_muc_leave(XmppMuc *muc, const char *room)
{
  g_return_if_fail(muc != NULL);
  Room *r = xmpp_muc_find_room(muc, room);
  if (r == NULL || r->state == ROOM_LEAVING)
    return;
  r->state = ROOM_LEAVING;
  xmpp_muc_send_presence(muc, r->jid, r->nick, "unavailable");
}

char *
xmpp_muc_send(XmppMuc *muc, const char *room, const char *body, const XmppNode *extra)
{
  g_return_val_if_fail(muc != NULL && body != NULL, NULL);
  Room *r = xmpp_muc_find_room(muc, room);
  if (r == NULL || r->state != ROOM_JOINED)
    return NULL;
  char *id = xmpp_host_random_id(muc->host);
  if (id == NULL)
    return NULL;
  g_autoptr(XmppNode) m = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(m, "to", r->jid);
  xmpp_node_set_attr(m, "type", "groupchat");
  xmpp_node_set_attr(m, "id", id);
  xmpp_node_new_text_child(m, XMPP_NS_JABBER_CLIENT, "body", body);
  if (extra != NULL)
    xmpp_node_add_child(m, xmpp_node_copy(extra));
  /* XEP-0359: the room keeps it, and so do archives: our echo is known by it. */
  XmppNode *origin = xmpp_node_new_child(m, XMPP_NS_SID, "origin-id");
  xmpp_node_set_attr(origin, "id", id);
  g_free(muc->sent_ids[muc->next_sent]);
  muc->sent_ids[muc->next_sent] = g_strdup(id);
  muc->next_sent = (muc->next_sent + 1) % XMPP_MUC_MAX_SENT_IDS;
  xmpp_router_send(muc->router, m);
  return id;
}

char *
xmpp_muc_send_link(XmppMuc *muc, const char *room, const char *url)
{
  g_return_val_if_fail(muc != NULL && url != NULL, NULL);
  g_autoptr(XmppNode) oob = xmpp_oob_build(url);
  return xmpp_muc_send(muc, room, url, oob);
}

gboolean
xmpp_muc_set_subject(XmppMuc *muc, const char *room, const char *subject)
{
  g_return_val_if_fail(muc != NULL, FALSE);
  Room *r = xmpp_muc_find_room(muc, room);
  if (r == NULL || r->state != ROOM_JOINED)
    return FALSE;
  g_autoptr(XmppNode) m = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "message");
  xmpp_node_set_attr(m, "to", r->jid);
  xmpp_node_set_attr(m, "type", "groupchat");
  xmpp_node_new_text_child(m, XMPP_NS_JABBER_CLIENT, "subject", subject != NULL ? subject : "");
  xmpp_router_send(muc->router, m);
  return TRUE;
}

void
xmpp_muc_rejoin_room(XmppMuc *muc, Room *r)
{
  g_hash_table_remove_all(r->occupants);
  r->state = ROOM_JOINING;
  r->pinging = FALSE;
  xmpp_muc_history_join(muc, r); /* the history since our mark: what we missed meanwhile */
}

void
xmpp_muc_rejoin_all(XmppMuc *muc)
{
  g_return_if_fail(muc != NULL);
  GPtrArray *leaving = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, muc->rooms);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    Room *r = value;
    if (r->state == ROOM_LEAVING) {
      g_ptr_array_add(leaving, g_strdup(r->jid)); /* out already, as far as the server knows */
      continue;
    }
    xmpp_muc_rejoin_room(muc, r);
  }
  for (guint i = 0; i < leaving->len; i++) {
    Room *r = g_hash_table_lookup(muc->rooms, leaving->pdata[i]);
    if (r != NULL)
      forget_room(muc, r, NULL);
  }
  g_ptr_array_unref(leaving);
}

void
xmpp_muc_forget_all(XmppMuc *muc)
{
  g_return_if_fail(muc != NULL);
  g_hash_table_remove_all(muc->rooms);
  rooms_changed(muc);
}

gboolean
xmpp_muc_is_joined(const XmppMuc *muc, const char *room)
{
  const Room *r = muc != NULL ? xmpp_muc_find_room(muc, room) : NULL;
  return r != NULL && r->state == ROOM_JOINED;
}

gboolean
xmpp_muc_is_room(const XmppMuc *muc, const char *room)
{
  return muc != NULL && room != NULL && g_hash_table_size(muc->rooms) > 0 &&
         g_hash_table_contains(muc->rooms, room);
}

const char *
xmpp_muc_get_nick(const XmppMuc *muc, const char *room)
{
  const Room *r = muc != NULL ? xmpp_muc_find_room(muc, room) : NULL;
  return r != NULL ? r->nick : NULL;
}

const char *
xmpp_muc_get_subject(const XmppMuc *muc, const char *room)
{
  const Room *r = muc != NULL ? xmpp_muc_find_room(muc, room) : NULL;
  return r != NULL ? r->subject : NULL;
}

guint
xmpp_muc_n_rooms(const XmppMuc *muc)
{
  return muc != NULL ? g_hash_table_size(muc->rooms) : 0;
}

guint
xmpp_muc_n_occupants(const XmppMuc *muc, const char *room)
{
  const Room *r = muc != NULL ? xmpp_muc_find_room(muc, room) : NULL;
  return r != NULL ? g_hash_table_size(r->occupants) : 0;
}

gboolean
xmpp_muc_get_occupant(const XmppMuc *muc, const char *room, const char *nick, XmppMucOccupant *out)
{
  const Room *r = muc != NULL ? xmpp_muc_find_room(muc, room) : NULL;
  const Occupant *o = r != NULL && nick != NULL ? g_hash_table_lookup(r->occupants, nick) : NULL;
  if (o == NULL)
    return FALSE;
  *out = public_view(o);
  return TRUE;
}

void
xmpp_muc_foreach_occupant(const XmppMuc *muc, const char *room,
                          void (*func)(const XmppMucOccupant *occupant, gpointer data),
                          gpointer data)
{
  const Room *r = muc != NULL ? xmpp_muc_find_room(muc, room) : NULL;
  if (r == NULL)
    return;
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, r->occupants);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    XmppMucOccupant view = public_view(value);
    func(&view, data);
  }
}
