/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, what we ask of a room we are in: another nick (XEP-0045 §7.6), an invitation
 * (§7.8.2), an occupant's role and a user's affiliation (§8, §9: kick and ban), and the room's
 * forms: its configuration (§10.2) and registration with it (§7.10). */
#include "muc/muc-private.h"

#include "im/namespaces.h"
#include "services/namespaces.h"

gboolean
xmpp_muc_change_nick(XmppMuc *muc, const char *room, const char *nick, GError **error)
{
  g_return_val_if_fail(muc != NULL, FALSE);
  Room *r = xmpp_muc_find_room(muc, room);
  g_autofree char *prepared = NULL;
  if (r == NULL || r->state != ROOM_JOINED) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_NOT_ALLOWED, "not in %s", room);
    return FALSE;
  }
  if (!xmpp_muc_nick_valid(nick, &prepared)) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_JID_MALFORMED,
                "%s is not a usable nick", nick != NULL ? nick : "(none)");
    return FALSE;
  }
  /* §7.6: a presence to the new occupant JID; the room answers with 303 (or a conflict). */
  xmpp_muc_send_presence(muc, r->jid, prepared, NULL);
  return TRUE;
}

gboolean
xmpp_muc_invite(XmppMuc *muc, const char *room, const char *who, const char *reason,
                gboolean direct)
{
  g_return_val_if_fail(muc != NULL, FALSE);
  Room *r = xmpp_muc_find_room(muc, room);
  g_autoptr(XmppJid) jid = who != NULL ? xmpp_jid_parse(who, NULL) : NULL;
  if (r == NULL || r->state != ROOM_JOINED || jid == NULL)
    return FALSE;
  /* Direct (XEP-0249) carries the password we joined with; mediated, the room adds it. */
  g_autoptr(XmppNode) m =
      direct ? xmpp_muc_invite_build_direct(r->jid, xmpp_jid_get_full(jid), reason, r->password)
             : xmpp_muc_invite_build_mediated(r->jid, xmpp_jid_get_full(jid), reason);
  xmpp_router_send(muc->router, m);
  return TRUE;
}

static void
on_moderated(const XmppStanza *reply, const GError *error, gpointer data)
{
  RoomRequest *m = data;
  m->done(m->data, m->room, error);
}

/* <iq type='set' to=room><query muc#admin><item key=value attr=value><reason/></item></query> */
static gboolean
moderate(XmppMuc *muc, const char *room, const char *key, const char *key_value, const char *attr,
         const char *value, const char *reason, XmppMucDone done, gpointer data)
{
  Room *r = xmpp_muc_find_room(muc, room);
  if (r == NULL || r->state != ROOM_JOINED)
    return FALSE;
  XmppNode *iq = xmpp_stanza_new_iq("set", r->jid, NULL);
  XmppNode *query = xmpp_node_new_child(iq, XMPP_NS_MUC_ADMIN, "query");
  XmppNode *item = xmpp_node_new_child(query, XMPP_NS_MUC_ADMIN, "item");
  xmpp_node_set_attr(item, key, key_value);
  xmpp_node_set_attr(item, attr, value);
  if (reason != NULL && *reason != '\0')
    xmpp_node_new_text_child(item, XMPP_NS_MUC_ADMIN, "reason", reason);
  RoomRequest *m = xmpp_muc_room_request_new(muc, r->jid);
  m->done = done;
  m->data = data;
  xmpp_router_send_iq(muc->router, muc, iq, 0, on_moderated, m, xmpp_muc_room_request_free);
  return TRUE;
}

gboolean
xmpp_muc_set_role(XmppMuc *muc, const char *room, const char *nick, XmppMucRole role,
                  const char *reason, XmppMucDone done, gpointer data)
{
  g_return_val_if_fail(muc != NULL && done != NULL, FALSE);
  g_autofree char *prepared = NULL;
  if (!xmpp_muc_nick_valid(nick, &prepared))
    return FALSE;
  return moderate(muc, room, "nick", prepared, "role", xmpp_muc_role_name(role), reason, done,
                  data);
}

gboolean
xmpp_muc_set_affiliation(XmppMuc *muc, const char *room, const char *jid,
                         XmppMucAffiliation affiliation, const char *reason, XmppMucDone done,
                         gpointer data)
{
  g_return_val_if_fail(muc != NULL && done != NULL, FALSE);
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (parsed == NULL)
    return FALSE;
  return moderate(muc, room, "jid", xmpp_jid_get_bare(parsed), "affiliation",
                  xmpp_muc_affiliation_name(affiliation), reason, done, data);
}

/* ---- the room's forms ----------------------------------------------------------------------- */

static const char *
form_namespace(XmppMucForm which)
{
  return which == XMPP_MUC_FORM_CONFIG ? XMPP_NS_MUC_OWNER : XMPP_NS_REGISTER;
}

/* The form in a room's answer: a data form, or (registration) a legacy one; NULL with error. */
static XmppXdataForm *
form_of_reply(const XmppStanza *reply, XmppMucForm which, GError **error)
{
  XmppNode *query = xmpp_node_get_child(reply->node, form_namespace(which), "query");
  if (query != NULL && which == XMPP_MUC_FORM_REGISTER &&
      xmpp_node_get_child(query, XMPP_NS_REGISTER, "registered") != NULL) {
    g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT,
                "you are registered with this room already");
    return NULL;
  }
  XmppNode *x = xmpp_node_get_child(query, XMPP_NS_XDATA, "x");
  if (x != NULL)
    return xmpp_xdata_form_parse(x, reply->node, error);
  if (query != NULL && which == XMPP_MUC_FORM_REGISTER) {
    static const char *const skip[] = {"instructions", "registered", NULL};
    return xmpp_xdata_form_from_legacy(query, skip);
  }
  g_set_error(error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_UNDEFINED_CONDITION,
              "the room sent no form");
  return NULL;
}

static void
on_form(const XmppStanza *reply, const GError *error, gpointer data)
{
  RoomRequest *rr = data;
  if (error != NULL) {
    rr->form_cb(rr->data, rr->room, NULL, error);
    return;
  }
  g_autoptr(GError) bad = NULL;
  XmppXdataForm *form = form_of_reply(reply, rr->which, &bad);
  rr->form_cb(rr->data, rr->room, form, bad);
  xmpp_xdata_form_free(form);
}

gboolean
xmpp_muc_request_form(XmppMuc *muc, const char *room, XmppMucForm which, XmppMucFormCallback cb,
                      gpointer data)
{
  g_return_val_if_fail(muc != NULL && cb != NULL, FALSE);
  Room *r = xmpp_muc_find_room(muc, room);
  if (r == NULL || r->state != ROOM_JOINED)
    return FALSE;
  XmppNode *iq = xmpp_stanza_new_iq("get", r->jid, NULL);
  xmpp_node_new_child(iq, form_namespace(which), "query");
  RoomRequest *rr = xmpp_muc_room_request_new(muc, r->jid);
  rr->form_cb = cb;
  rr->which = which;
  rr->data = data;
  xmpp_router_send_iq(muc->router, muc, iq, 0, on_form, rr, xmpp_muc_room_request_free);
  return TRUE;
}

gboolean
xmpp_muc_submit_form(XmppMuc *muc, const char *room, XmppMucForm which, const XmppXdataForm *form,
                     XmppMucDone done, gpointer data)
{
  g_return_val_if_fail(muc != NULL && done != NULL, FALSE);
  Room *r = xmpp_muc_find_room(muc, room);
  if (r == NULL || r->state != ROOM_JOINED)
    return FALSE;
  XmppNode *iq = xmpp_stanza_new_iq("set", r->jid, NULL);
  XmppNode *query = xmpp_node_new_child(iq, form_namespace(which), "query");
  xmpp_node_add_child(query,
                      form != NULL ? xmpp_xdata_form_build_submit(form) : xmpp_xdata_cancel_new());
  RoomRequest *m = xmpp_muc_room_request_new(muc, r->jid);
  m->done = done;
  m->data = data;
  xmpp_router_send_iq(muc->router, muc, iq, 0, on_moderated, m, xmpp_muc_room_request_free);
  return TRUE;
}
