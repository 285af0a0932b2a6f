/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PEP payloads of personal data (pure): XEP-0107 user mood, XEP-0172 user nickname and
 * XEP-0118 user tune, parsed into model structs and built for publishing. */
#pragma once

#include "xml/node.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* Hard limit (T52/T53): bytes kept of a nickname, a mood text or a tune field; longer ones are
 * cut at a character boundary. */
#define XMPP_MOOD_MAX_TEXT 1023

/* XEP-0107 §2.1: the mood values, in the XEP's order (NULL-terminated, static). */
const char *const *xmpp_mood_names(void);
gboolean xmpp_mood_is_valid(const char *name);

typedef struct _XmppMood {
  char *name; /* one of xmpp_mood_names(); NULL: no mood (an empty <mood/>, §2.2) */
  char *text; /* NULL when none */
} XmppMood;

/* Parses <mood xmlns='http://jabber.org/protocol/mood'/>. NULL when mood_el is not one. An unknown
 * mood value leaves name NULL (XEP-0107 §3: unknown values are ignored). */
XmppMood *xmpp_mood_parse(const XmppNode *mood_el);
void xmpp_mood_free(XmppMood *mood);
/* <mood/> with <name/> and <text/> (name NULL: an empty <mood/> to clear it, §2.2). */
XmppNode *xmpp_mood_build(const char *name, const char *text);

/* XEP-0118 §2: what is playing. Every field NULL and length 0: nothing is playing. */
typedef struct _XmppTune {
  char *artist;
  char *title;
  char *source; /* album or collection */
  char *track;
  char *uri;
  int length; /* seconds, 0 when unknown */
} XmppTune;

XmppTune *xmpp_tune_parse(const XmppNode *tune_el);
void xmpp_tune_free(XmppTune *tune);
gboolean xmpp_tune_is_empty(const XmppTune *tune);

/* XEP-0172: the text of <nick/>, cut to XMPP_MOOD_MAX_TEXT; NULL when nick_el is not a <nick/>
 * or is empty. */
char *xmpp_nick_parse(const XmppNode *nick_el);
/* <nick/> holding nick (NULL or "": empty, which clears it). */
XmppNode *xmpp_nick_build(const char *nick);

/* A PEP notification's <items/> (XEP-0163 §4.3): the payload element ns/name of its last <item/>
 * (the current one); NULL when there is none. *retracted tells whether the node's item was
 * retracted instead (XEP-0060 §7.2: the data is gone). */
const XmppNode *xmpp_mood_items_payload(const XmppNode *items, const char *ns, const char *name,
                                        gboolean *retracted);
/* <item id='current'> holding payload (taken): what xmpp_pep_publish takes. */
XmppNode *xmpp_mood_item_new(XmppNode *payload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppMood, xmpp_mood_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppTune, xmpp_tune_free)

G_END_DECLS
