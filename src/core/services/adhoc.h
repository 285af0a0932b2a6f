/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAdhoc: XEP-0050 ad-hoc commands: listing and executing commands of the server and of
 * contacts. */
#pragma once

#include "services/disco.h"
#include "services/xdata.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

#define XMPP_ADHOC_MAX_COMMANDS 256 /* listed commands kept */
#define XMPP_ADHOC_MAX_NOTES    32

typedef struct {
  char *jid;
  char *node;
  char *name; /* never NULL (the node when the server gave no name) */
} XmppAdhocCommand;

typedef enum {
  XMPP_ADHOC_STATUS_EXECUTING,
  XMPP_ADHOC_STATUS_COMPLETED,
  XMPP_ADHOC_STATUS_CANCELED,
} XmppAdhocStatus;

/* XEP-0050 §6.3 actions, as bits. */
typedef enum {
  XMPP_ADHOC_ACTION_EXECUTE = 1 << 0,
  XMPP_ADHOC_ACTION_PREV = 1 << 1,
  XMPP_ADHOC_ACTION_NEXT = 1 << 2,
  XMPP_ADHOC_ACTION_COMPLETE = 1 << 3,
  XMPP_ADHOC_ACTION_CANCEL = 1 << 4,
} XmppAdhocAction;

typedef struct {
  char *type; /* "info", "warn" or "error" */
  char *text;
} XmppAdhocNote;

typedef struct {
  char *node;
  char *sessionid;
  XmppAdhocStatus status;
  guint actions;                  /* allowed XmppAdhocAction bits (besides cancel) */
  XmppAdhocAction default_action; /* 'execute' attribute of <actions/> */
  GPtrArray *notes;               /* XmppAdhocNote* */
  XmppXdataForm *form;            /* the stage's form (or result), or NULL */
} XmppAdhocStage;

const char *xmpp_adhoc_action_name(XmppAdhocAction action);

void xmpp_adhoc_command_free(XmppAdhocCommand *command);
/* disco#items reply (iq borrowed) into XmppAdhocCommand* (capped at XMPP_ADHOC_MAX_COMMANDS). */
GPtrArray *xmpp_adhoc_parse_list(const XmppNode *iq);
/* A command reply (iq borrowed) into a stage; NULL with error when there is no <command/>. */
XmppAdhocStage *xmpp_adhoc_stage_parse(const XmppNode *iq, GError **error);
void xmpp_adhoc_stage_free(XmppAdhocStage *stage);
/* <iq type='set' to=to><command node sessionid action>[form as submit]</command></iq> */
XmppNode *xmpp_adhoc_build_execute(const char *to, const char *node, const char *sessionid,
                                   XmppAdhocAction action, const XmppXdataForm *form);

typedef struct _XmppAdhoc XmppAdhoc;

/* commands (XmppAdhocCommand*, borrowed for the call) or error. */
typedef void (*XmppAdhocListCallback)(GPtrArray *commands, const GError *error, gpointer user_data);
/* stage (borrowed for the call) or error. */
typedef void (*XmppAdhocStageCallback)(const XmppAdhocStage *stage, const GError *error,
                                       gpointer user_data);

/* Only a client of commands: we never execute commands sent to us (T43): the router answers
 * them service-unavailable. */
XmppAdhoc *xmpp_adhoc_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_adhoc_free(XmppAdhoc *adhoc);

/* to NULL: our server. */
void xmpp_adhoc_list(XmppAdhoc *adhoc, const char *to, XmppAdhocListCallback cb, gpointer user_data,
                     GDestroyNotify destroy);
void xmpp_adhoc_execute(XmppAdhoc *adhoc, const char *to, const char *node, const char *sessionid,
                        XmppAdhocAction action, const XmppXdataForm *form,
                        XmppAdhocStageCallback cb, gpointer user_data, GDestroyNotify destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppAdhocStage, xmpp_adhoc_stage_free)

G_END_DECLS
