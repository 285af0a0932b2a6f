/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of purple-file-body.c, the upload's body stream: the file's bytes exactly, whichever
 * way they are read (plain reads of any size, a splice as libsoup does it, in the loop's thread
 * and never a worker's), for an empty file, a file smaller than the buffer and one of several
 * buffers and a piece; a missing file is a clear error. */
#include "purple-file-body.h"

#include <glib/gstdio.h>

typedef struct {
  char *dir;
  char *path;
  GBytes *content;
} Fixture;

static void
fixture_setup(Fixture *f, gsize size)
{
  f->dir = g_dir_make_tmp("lyre-file-body-XXXXXX", NULL);
  g_assert_nonnull(f->dir);
  f->path = g_build_filename(f->dir, "f", NULL);
  guint8 *bytes = g_malloc(size + 1);
  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8)(i * 7 + i / 251);
  g_assert_true(g_file_set_contents(f->path, (const char *)bytes, (gssize)size, NULL));
  f->content = g_bytes_new_take(bytes, size);
}

static void
fixture_teardown(Fixture *f)
{
  g_unlink(f->path);
  g_rmdir(f->dir);
  g_free(f->path);
  g_free(f->dir);
  g_bytes_unref(f->content);
}

static const gsize sizes[] = {0, 1, 8191, XMPP_PURPLE_FILE_BODY_BUFFER,
                              3 * XMPP_PURPLE_FILE_BODY_BUFFER + 12345};

static void
test_plain_reads(void)
{
  for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
    Fixture f;
    fixture_setup(&f, sizes[s]);
    g_autoptr(GError) error = NULL;
    g_autoptr(GInputStream) in = xmpp_purple_file_body_new(f.path, &error);
    g_assert_no_error(error);
    g_autoptr(GByteArray) got = g_byte_array_new();
    /* Odd read sizes, smaller and larger than the buffer. */
    const gsize counts[] = {1, 8192, 100000, XMPP_PURPLE_FILE_BODY_BUFFER + 1, 3};
    guint8 *buf = g_malloc(XMPP_PURPLE_FILE_BODY_BUFFER + 1);
    for (guint i = 0;; i++) {
      gssize n = g_input_stream_read(in, buf, counts[i % G_N_ELEMENTS(counts)], NULL, &error);
      g_assert_no_error(error);
      g_assert_cmpint(n, >=, 0);
      if (n == 0)
        break;
      g_byte_array_append(got, buf, (guint)n);
    }
    g_free(buf);
    g_assert_true(g_input_stream_close(in, NULL, &error));
    g_autoptr(GBytes) all = g_byte_array_free_to_bytes(g_steal_pointer(&got));
    g_assert_true(g_bytes_equal(all, f.content));
    fixture_teardown(&f);
  }
}

static void
on_spliced(GObject *source, GAsyncResult *result, gpointer data)
{
  gssize *done = data;
  g_autoptr(GError) error = NULL;
  *done = g_output_stream_splice_finish(G_OUTPUT_STREAM(source), result, &error);
  g_assert_no_error(error);
}

static void
test_splice_in_loop_thread(void)
{
  for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
    Fixture f;
    fixture_setup(&f, sizes[s]);
    g_autoptr(GError) error = NULL;
    g_autoptr(GInputStream) in = xmpp_purple_file_body_new(f.path, &error);
    g_assert_no_error(error);
    /* What makes the splice stay in this thread: readable now, reads that never block. */
    g_assert_true(G_IS_POLLABLE_INPUT_STREAM(in));
    g_assert_true(g_pollable_input_stream_can_poll(G_POLLABLE_INPUT_STREAM(in)));
    g_assert_true(g_pollable_input_stream_is_readable(G_POLLABLE_INPUT_STREAM(in)));
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
    gssize done = -1;
    g_output_stream_splice_async(
        out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
        G_PRIORITY_DEFAULT, NULL, on_spliced, &done);
    for (guint i = 0; done < 0 && i < 100000; i++)
      g_main_context_iteration(NULL, TRUE);
    g_assert_cmpint(done, ==, (gssize)sizes[s]);
    g_autoptr(GBytes) all = g_memory_output_stream_steal_as_bytes(G_MEMORY_OUTPUT_STREAM(out));
    g_assert_true(g_bytes_equal(all, f.content));
    g_assert_true(g_input_stream_is_closed(in));
    fixture_teardown(&f);
  }
}

static void
test_missing_file(void)
{
  g_autoptr(GError) error = NULL;
  GInputStream *in = xmpp_purple_file_body_new("/nonexistent/lyre/file", &error);
  g_assert_null(in);
  g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/purple/file-body/plain_reads", test_plain_reads);
  g_test_add_func("/purple/file-body/splice_in_loop_thread", test_splice_in_loop_thread);
  g_test_add_func("/purple/file-body/missing_file", test_missing_file);
  return g_test_run();
}
