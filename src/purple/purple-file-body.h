/* SPDX-License-Identifier: GPL-2.0-or-later */
/* purple-file-body.c: a file as an HTTP request body. libsoup splices a body into the
 * connection 8 KiB at a time; from a plain file stream each of those reads goes to a GIO worker
 * thread and back (four futex calls a read, most of an upload's CPU). This stream is pollable
 * and always readable, so the splice reads the file in the main loop's thread, in large reads
 * it serves from a buffer. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define XMPP_PURPLE_FILE_BODY_BUFFER (256 * 1024) /* bytes read from the file at once */

/* The file at path to read as a body (unref it), or NULL with error. */
GInputStream *xmpp_purple_file_body_new(const char *path, GError **error);

G_END_DECLS
