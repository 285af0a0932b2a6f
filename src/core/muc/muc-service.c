/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMuc, the server's room service (XEP-0045 §6.1): among the server's items
 * (services/server-items.c), the first listed that is a conference/text entity offering
 * XEP-0045; Join a Chat and the room list start from it. */
#include "muc/muc-private.h"

static gboolean
is_room_service(const XmppDiscoInfo *info)
{
  if (!xmpp_disco_info_has_feature(info, XMPP_NS_MUC))
    return FALSE;
  for (guint i = 0; i < info->identities->len; i++) {
    const XmppDiscoIdentity *id = info->identities->pdata[i];
    if (g_strcmp0(id->category, "conference") == 0 && g_strcmp0(id->type, "text") == 0)
      return TRUE;
  }
  return FALSE;
}

const char *
xmpp_muc_get_service(const XmppMuc *muc)
{
  g_return_val_if_fail(muc != NULL, NULL);
  return muc->server_items != NULL
             ? xmpp_server_items_find(muc->server_items, is_room_service, NULL)
             : NULL;
}
