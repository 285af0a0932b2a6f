/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppParser's RFC 6120 §11 restrictions: SAX hooks that refuse DTDs, comments, PIs and
 * entities, never load anything, and accept only UTF-8 XML 1.0. */
#include "xml/parser-private.h"

#include <libxml/parserInternals.h>
#include <string.h>

/* ---- restricted XML (RFC 6120 §11.1): every hook below only refuses ---- */

void
xmpp_parser_restrict_refuse(XmppParser *p, const char *what)
{
  xmpp_parser_fail(p, XMPP_XML_ERROR_RESTRICTED_XML, "restricted XML: %s", what);
}

static void
sax_internal_subset(void *ud, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
  /* Stopping here, before any declaration is read, is what defuses billion laughs (T1/T2)
   * and external entities (T3): the DTD body is never parsed. */
  xmpp_parser_restrict_refuse(ud, "document type declaration");
}

static void
sax_external_subset(void *ud, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
  xmpp_parser_restrict_refuse(ud, "external DTD subset");
}

static void
sax_comment(void *ud, const xmlChar *value)
{
  xmpp_parser_restrict_refuse(ud, "comment");
}

static void
sax_pi(void *ud, const xmlChar *target, const xmlChar *data)
{
  xmpp_parser_restrict_refuse(ud, "processing instruction");
}

static void
sax_entity_decl(void *ud, const xmlChar *name, int type, const xmlChar *public_id,
                const xmlChar *system_id, xmlChar *content)
{
  xmpp_parser_restrict_refuse(ud, "entity declaration");
}

static void
sax_unparsed_entity_decl(void *ud, const xmlChar *name, const xmlChar *public_id,
                         const xmlChar *system_id, const xmlChar *notation)
{
  xmpp_parser_restrict_refuse(ud, "entity declaration");
}

static void
sax_notation_decl(void *ud, const xmlChar *name, const xmlChar *public_id, const xmlChar *system_id)
{
  xmpp_parser_restrict_refuse(ud, "notation declaration");
}

static void
sax_element_decl(void *ud, const xmlChar *name, int type, xmlElementContentPtr content)
{
  xmpp_parser_restrict_refuse(ud, "element declaration");
}

static void
sax_attribute_decl(void *ud, const xmlChar *elem, const xmlChar *fullname, int type, int def,
                   const xmlChar *default_value, xmlEnumerationPtr tree)
{
  xmpp_parser_restrict_refuse(ud, "attribute declaration");
}

/* libxml2 resolves the five predefined entities and character references itself and asks
 * here only for any other entity: all of those are refused and none is ever expanded. */
static xmlEntityPtr
sax_get_entity(void *ud, const xmlChar *name)
{
  xmpp_parser_restrict_refuse(ud, "entity reference");
  return NULL;
}

static void
sax_reference(void *ud, const xmlChar *name)
{
  xmpp_parser_restrict_refuse(ud, "entity reference");
}

/* Why no xmlSetExternalEntityLoader(): it is process-global (it would also change libpurple's
 * own parsing) and is not needed. Every route to a load goes through a hook of this parser:
 * the DOCTYPE stops at internalSubset before any declaration is read, entity lookups stop at
 * getEntity, and XML_PARSE_DTDLOAD / XML_PARSE_NOENT are never set. The T3 test installs a
 * loader that counts calls and asserts it was never called. */
static xmlParserInputPtr
sax_resolve_entity(void *ud, const xmlChar *public_id, const xmlChar *system_id)
{
  /* The per-parser guard against external loading: nothing is ever fetched (T3). */
  xmpp_parser_restrict_refuse(ud, "external entity");
  return NULL;
}

/* ---- encoding and version (RFC 6120 §11.6, §11.8) ---- */

static gboolean
is_utf8_name(const char *name)
{
  return g_ascii_strcasecmp(name, "UTF-8") == 0 || g_ascii_strcasecmp(name, "UTF8") == 0;
}

static void
sax_start_document(void *ud)
{
  XmppParser *p = ud;
  xmlParserCtxtPtr c = p->ctxt;
  /* Runs right after the XML declaration. RFC 6120 §11.6: UTF-8 only. libxml2 may already have
   * switched decoders for a declared encoding or a UTF-16 BOM; nothing was delivered yet. */
  const char *declared = (const char *)c->input->encoding;
  const char *decoder = (c->input->buf != NULL && c->input->buf->encoder != NULL)
                            ? c->input->buf->encoder->name
                            : NULL;
  if ((declared != NULL && !is_utf8_name(declared)) ||
      (decoder != NULL && !is_utf8_name(decoder))) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_UNSUPPORTED_ENCODING,
                     "unsupported encoding %s (RFC 6120 §11.6)",
                     declared != NULL ? declared : decoder);
    return;
  }
  /* RFC 6120 §11.8: XML 1.0 only. libxml2 merely warns about other versions. */
  if (c->version != NULL && strcmp((const char *)c->version, "1.0") != 0)
    xmpp_parser_fail(p, XMPP_XML_ERROR_NOT_WELL_FORMED, "XML version %s is not 1.0", c->version);
}

gboolean
xmpp_parser_restrict_check_first_byte(XmppParser *p, guchar c)
{
  /* A document starting with NUL or a UTF-16 BOM byte cannot be UTF-8 XML (§11.6). */
  if (c == 0x00 || c == 0xFE || c == 0xFF) {
    xmpp_parser_fail(p, XMPP_XML_ERROR_UNSUPPORTED_ENCODING, "not UTF-8 (RFC 6120 §11.6)");
    return FALSE;
  }
  return TRUE;
}

void
xmpp_parser_restrict_install(xmlSAXHandler *h)
{
  h->startDocument = sax_start_document;
  h->comment = sax_comment;
  h->processingInstruction = sax_pi;
  h->internalSubset = sax_internal_subset;
  h->externalSubset = sax_external_subset;
  h->entityDecl = sax_entity_decl;
  h->unparsedEntityDecl = sax_unparsed_entity_decl;
  h->notationDecl = sax_notation_decl;
  h->elementDecl = sax_element_decl;
  h->attributeDecl = sax_attribute_decl;
  h->getEntity = sax_get_entity;
  h->getParameterEntity = sax_get_entity;
  h->reference = sax_reference;
  h->resolveEntity = sax_resolve_entity;
  h->isStandalone = NULL;
  h->hasInternalSubset = NULL;
  h->hasExternalSubset = NULL;
}
