/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replay driver: runs a libFuzzer target over files and directories without libFuzzer, so gcc
 * builds (and valgrind and sanitizer runs) use every corpus file as a regression test. */
#include <glib.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

static guint
run_path(const char *path)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    if (dir == NULL)
      return 0;
    guint n = 0;
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      n += run_path(child);
    }
    return n;
  }
  gchar *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &contents, &len, NULL)) {
    fprintf(stderr, "cannot read %s\n", path);
    return 0;
  }
  LLVMFuzzerTestOneInput((const guint8 *)contents, len);
  g_free(contents);
  return 1;
}

int
main(int argc, char **argv)
{
  guint total = 0;
  for (int i = 1; i < argc; i++)
    total += run_path(argv[i]);
  printf("replayed %u inputs\n", total);
  return total > 0 ? 0 : 1;
}
