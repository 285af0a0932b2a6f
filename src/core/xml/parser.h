/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppParser: a libxml2 SAX2 push parser for one XMPP stream, with RFC 6120 §11 restrictions
 * and hard limits. It turns bytes into stream-open, stanza and stream-close events. */
#pragma once

#include "xml/namespaces.h"
#include "xml/node.h"

G_BEGIN_DECLS

/* Hard limits, as named constants (tests use them). */
#define XMPP_XML_MAX_STANZA_BYTES (512 * 1024) /* RFC 6120 §13.12; servers use 256 KiB */
#define XMPP_XML_MAX_DEPTH        64           /* element depth inside one stanza */
#define XMPP_XML_MAX_ATTRS        64           /* attributes on one element */
#define XMPP_XML_MAX_NAME_BYTES   1024         /* element or attribute name */

/* The larger limit a client's stream allows only for a stanza the allow_large callback vouches
 * for: an IQ result to our own request to our own account (the roster). The roster result is a
 * single stanza of about 110 bytes a contact: 10,000 contacts are 1.1 MB; 8 MiB holds about
 * 70,000. RFC 6120 §13.12 sets only a minimum (10,000 bytes). Everything else keeps
 * XMPP_XML_MAX_STANZA_BYTES: servers relay far less (Prosody: 256 KiB from clients, 512 KiB
 * between servers; ejabberd: 64-128 KiB), so a larger <message/> or <presence/> is not
 * legitimate, and nobody may make us buffer megabytes of a stanza that never ends. */
#define XMPP_XML_MAX_CLIENT_STANZA_BYTES (8 * 1024 * 1024)

typedef struct _XmppParserLimits {
  gsize max_stanza_bytes;
  guint max_depth;
  guint max_attrs;
  /* A stanza for which callbacks.allow_large says yes (at its start tag) may grow to this;
   * 0 or anything not above max_stanza_bytes: no such stanza. */
  gsize max_large_stanza_bytes;
} XmppParserLimits;

/* A client's stream: the defaults, and 8 MiB for a stanza allow_large vouches for. */
#define XMPP_XML_CLIENT_LIMITS                                                                     \
  ((XmppParserLimits){.max_stanza_bytes = XMPP_XML_MAX_STANZA_BYTES,                               \
                      .max_depth = XMPP_XML_MAX_DEPTH,                                             \
                      .max_attrs = XMPP_XML_MAX_ATTRS,                                             \
                      .max_large_stanza_bytes = XMPP_XML_MAX_CLIENT_STANZA_BYTES})

#define XMPP_XML_ERROR (xmpp_xml_error_quark())
GQuark xmpp_xml_error_quark(void);

/* Each code maps onto one RFC 6120 §4.9.3 stream error condition. */
typedef enum {
  XMPP_XML_ERROR_NOT_WELL_FORMED,      /* not-well-formed */
  XMPP_XML_ERROR_RESTRICTED_XML,       /* restricted-xml: DTD, comment, PI, entity */
  XMPP_XML_ERROR_POLICY_VIOLATION,     /* policy-violation: a limit was exceeded */
  XMPP_XML_ERROR_INVALID_NAMESPACE,    /* invalid-namespace: wrong stream namespace */
  XMPP_XML_ERROR_BAD_NAMESPACE_PREFIX, /* bad-namespace-prefix */
  XMPP_XML_ERROR_UNSUPPORTED_ENCODING, /* unsupported-encoding: not UTF-8 */
  XMPP_XML_ERROR_UNSUPPORTED_VERSION,  /* unsupported-version: not version='1.0' */
} XmppXmlError;

/* Behaviour worth knowing (details and RFC references in parser.c):
 * - The stream root must be {http://etherx.jabber.org/streams}stream (else INVALID_NAMESPACE)
 *   with the prefix "stream" (else BAD_NAMESPACE_PREFIX, RFC 6120 §4.8.5 and the example in
 *   §4.9.3.2) and the default namespace jabber:client (else INVALID_NAMESPACE). Its version
 *   attribute is NOT checked: a missing or other version is delivered in stream_start and the
 *   stream layer decides (legacy servers, RFC 6120 §4.7.5); UNSUPPORTED_VERSION is for it to use.
 * - An unbound namespace prefix is NOT_WELL_FORMED (a Namespaces-in-XML violation, §4.9.3.13).
 * - DTDs, comments, processing instructions and entities other than the five predefined ones
 *   are RESTRICTED_XML (§11.1); CDATA sections are plain text. Nothing is ever loaded.
 * - Anything but UTF-8 is UNSUPPORTED_ENCODING (§11.6); invalid UTF-8 is NOT_WELL_FORMED.
 * - Limits give POLICY_VIOLATION. The byte limit counts everything fed since the end of the
 *   previous stanza (or header, or whitespace keepalive) and is checked on partial input too,
 *   at most FEED_SLICE (16 KiB) after it is crossed. It is max_stanza_bytes until a stanza's
 *   start tag is complete; then max_large_stanza_bytes if allow_large says so.
 * - After </stream:stream> nothing more is delivered until reset.
 * - From inside a callback: xmpp_parser_reset() makes the bytes after the element that fired
 *   the callback the start of a new document (a new stream header may arrive in the same read
 *   as <success/>); xmpp_parser_stop() discards them; xmpp_parser_free() is allowed too (the
 *   parser is freed when feed returns, which then returns TRUE). */
typedef struct _XmppParserCallbacks {
  /* The stream header: an element stream:stream with its attributes and no children (borrowed). */
  void (*stream_start)(gpointer user_data, const XmppNode *header);
  /* A complete depth-1 element (transfer full). */
  void (*stanza)(gpointer user_data, XmppNode *stanza);
  /* </stream:stream> */
  void (*stream_end)(gpointer user_data);
  /* Optional: a stanza's start tag (name, namespace and attributes, no children yet;
   * borrowed). TRUE lets this stanza grow to limits.max_large_stanza_bytes. Must not call
   * back into the parser. */
  gboolean (*allow_large)(gpointer user_data, const XmppNode *start);
} XmppParserCallbacks;

typedef struct _XmppParser XmppParser;

/* limits NULL: the defaults above. */
XmppParser *xmpp_parser_new(const XmppParserCallbacks *callbacks, gpointer user_data,
                            const XmppParserLimits *limits);
void xmpp_parser_free(XmppParser *parser);
/* Feeds bytes. Returns FALSE with error set (XMPP_XML_ERROR) on the first violation; the parser
 * then refuses further input until reset. Callbacks run synchronously from here; a callback may
 * call xmpp_parser_reset() or xmpp_parser_stop() (e.g. for a stream restart or a close). */
gboolean xmpp_parser_feed(XmppParser *parser, const char *data, gsize len, GError **error);
/* Forget all state: the next byte starts a new document (stream restart, RFC 6120 §4.3.3). */
void xmpp_parser_reset(XmppParser *parser);
/* Stop delivering events; bytes already buffered are discarded (used after TLS starts,
 * RFC 6120 §5.4.3.3, and after the stream closes). */
void xmpp_parser_stop(XmppParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppParser, xmpp_parser_free)

G_END_DECLS
