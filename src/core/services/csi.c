/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppCsi: XEP-0352. Two nonzas on the stream, each sent on a change only. */
#include "services/csi.h"

#include "services/namespaces.h"

struct _XmppCsi {
  XmppRouter *router;
  const XmppHost *host;
  gboolean offered;
  gboolean wanted; /* the user is idle */
  gboolean told;   /* the server was told inactive */
};

XmppCsi *
xmpp_csi_new(XmppRouter *router, const XmppHost *host)
{
  XmppCsi *csi = g_new0(XmppCsi, 1);
  csi->router = router;
  csi->host = host;
  return csi;
}

void
xmpp_csi_free(XmppCsi *csi)
{
  g_free(csi);
}

static void
sync_state(XmppCsi *csi)
{
  if (!csi->offered || csi->wanted == csi->told)
    return;
  XmppNode *nonza = xmpp_node_new(XMPP_NS_CSI, csi->wanted ? "inactive" : "active");
  xmpp_host_log(csi->host, XMPP_LOG_DEBUG, "client state: %s", nonza->name);
  xmpp_router_send(csi->router, nonza);
  xmpp_node_free(nonza);
  csi->told = csi->wanted;
}

void
xmpp_csi_set_offered(XmppCsi *csi, gboolean offered)
{
  g_return_if_fail(csi != NULL);
  csi->offered = offered;
  csi->told = FALSE; /* a new stream starts active */
  sync_state(csi);
}

void
xmpp_csi_set_inactive(XmppCsi *csi, gboolean inactive)
{
  g_return_if_fail(csi != NULL);
  csi->wanted = inactive;
  sync_state(csi);
}

gboolean
xmpp_csi_is_inactive(const XmppCsi *csi)
{
  g_return_val_if_fail(csi != NULL, FALSE);
  return csi->told;
}
