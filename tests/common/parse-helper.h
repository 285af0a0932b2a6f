/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_parse_element: one element parsed from text inside a jabber:client stream (tests only). */
#pragma once

#include "xml/node.h"

/* Returns the first depth-1 element of xml (transfer full); aborts the test on bad XML. */
XmppNode *test_parse_element(const char *xml);
