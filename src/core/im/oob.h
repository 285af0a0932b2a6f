/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XEP-0066 links in messages (<x xmlns='jabber:x:oob'><url/></x>): the address a message offers
 * as a file (an HTTP upload's GET URL), and the file name it may be saved under. Pure. */
#pragma once

#include "xml/node.h"

G_BEGIN_DECLS

#define XMPP_OOB_MAX_URL  4096 /* bytes of an address we offer to fetch */
#define XMPP_OOB_MAX_NAME 255  /* bytes of a suggested file name */

/* An address we may fetch or send to: http or https (https_only: https), with a host, on one
 * line without blanks, at most XMPP_OOB_MAX_URL bytes of UTF-8. */
gboolean xmpp_oob_url_usable(const char *url, gboolean https_only);
/* The message's first link, when it is an http or https address on one line without blanks,
 * at most XMPP_OOB_MAX_URL bytes of UTF-8; NULL otherwise. */
char *xmpp_oob_parse_url(const XmppNode *message);
/* <x xmlns='jabber:x:oob'><url>url</url></x>, to send with a message whose body is url. */
XmppNode *xmpp_oob_build(const char *url);
/* A peer's file name made safe to save under (T57): every separator ('/', '\\'), control or
 * invisible formatting character and leading dot or blank removed, at most XMPP_OOB_MAX_NAME
 * bytes of valid UTF-8; "download" when nothing is left. */
char *xmpp_oob_clean_name(const char *name);
/* The file name a link suggests (T57): the last segment of its path, percent-decoded once,
 * then every separator ('/', '\\'), control character and leading dot or blank removed, at
 * most XMPP_OOB_MAX_NAME bytes of valid UTF-8; "download" when nothing is left. */
char *xmpp_oob_file_name(const char *url);

G_END_DECLS
