// See graphviz_repairs.h for the two leaks and why interposition is the repair.
#define _GNU_SOURCE
#include "graphviz_repairs.h"
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// libgvc 2.42's htmltxt_t and htextspan_t (lib/common/htmltable.h; not in the installed
// headers), as far as free_html_text reads them: the lines of a text, and on each line its
// spans. Only `spans`, `nspans` and `items` are read, and the line's size (32 bytes) strides.
typedef struct {
    void *items;   // textspan_t *, `nitems` of them
    short nitems;
    char just;
    double lfsize;
    double size;
} repairs_line;

typedef struct {
    repairs_line *spans;
    short nspans;
} repairs_text;

_Static_assert(sizeof(repairs_line) == 32, "htextspan_t of Graphviz 2.42 is 32 bytes");

static atomic_int enabled = 0;
static atomic_long freed_lines = 0;
static atomic_long freed_markup = 0;

int adviz_graphviz_repairs_enable(const char *version) {
    int matches = version && (strncmp(version, "2.42.", 5) == 0 || strncmp(version, "2.43.", 5) == 0);
    atomic_store(&enabled, matches);
    return matches;
}

int adviz_graphviz_repairs_set(int on) { return atomic_exchange(&enabled, on != 0); }

int adviz_graphviz_repairs_enabled(void) { return atomic_load(&enabled); }

long adviz_graphviz_repairs_freed(int which) { return which == 0 ? atomic_load(&freed_lines) : atomic_load(&freed_markup); }

/// libgvc's own free_html_text, found past this definition.
static void (*library_free_html_text(void))(repairs_text *) {
    static void (*function)(repairs_text *);
    if (!function) function = (void (*)(repairs_text *))dlsym(RTLD_NEXT, "free_html_text");
    return function;
}

/// Replaces libgvc's free_html_text: the library frees the strings and the lines, then this
/// frees each line's array of spans, which the library forgets.
void free_html_text(repairs_text *text) {
    void (*library)(repairs_text *) = library_free_html_text();
    if (!library) return; // no libgvc loaded: nothing can have made `text`
    if (!text || !atomic_load(&enabled) || text->nspans <= 0 || !text->spans) {
        library(text);
        return;
    }
    int count = text->nspans;
    void *small[16];
    void **items = count <= 16 ? small : malloc(sizeof(void *) * (size_t)count);
    if (!items) {
        library(text);
        return;
    }
    for (int i = 0; i < count; i++) items[i] = text->spans[i].items;
    library(text);
    for (int i = 0; i < count; i++) free(items[i]);
    atomic_fetch_add(&freed_lines, count);
    if (items != small) free(items);
}

// The markup results of the current Graphviz call on this thread.
typedef struct {
    void *attributes; // PangoAttrList *
    char *text;
} repairs_markup;

static _Thread_local int inside = 0;
static _Thread_local repairs_markup *kept = NULL;
static _Thread_local int keptCount = 0, keptCapacity = 0;

typedef int (*parse_markup_f)(const char *, int, unsigned, void **, char **, unsigned *, void **);

/// A function of libpango (and glib, which it links): the plugin has loaded it by the time it is asked.
static void *pango_function(const char *name) {
    void *function = dlsym(RTLD_NEXT, name);
    if (function) return function;
    void *pango = dlopen("libpango-1.0.so.0", RTLD_LAZY | RTLD_NOLOAD);
    return pango ? dlsym(pango, name) : NULL;
}

void adviz_graphviz_repairs_begin(void) { inside = 1; }

void adviz_graphviz_repairs_end(void) {
    inside = 0;
    if (keptCount == 0) return;
    static void (*unref)(void *);
    static void (*release)(void *);
    if (!unref) unref = (void (*)(void *))pango_function("pango_attr_list_unref");
    if (!release) release = (void (*)(void *))pango_function("g_free");
    if (unref && release) {
        for (int i = 0; i < keptCount; i++) {
            if (kept[i].attributes) unref(kept[i].attributes);
            release(kept[i].text);
        }
        atomic_fetch_add(&freed_markup, keptCount);
    }
    keptCount = 0;
}

/// Replaces pango_parse_markup for the whole process: parses with libpango's own and, inside a
/// Graphviz call with the repairs on, keeps the results to free when the call ends.
int pango_parse_markup(const char *markup, int length, unsigned accelMarker, void **attributes, char **text, unsigned *accelChar, void **error) {
    static parse_markup_f library;
    if (!library) library = (parse_markup_f)pango_function("pango_parse_markup");
    if (!library) return 0;
    int parsed = library(markup, length, accelMarker, attributes, text, accelChar, error);
    if (!parsed || !inside || !atomic_load(&enabled) || !attributes || !text) return parsed;
    if (keptCount == keptCapacity) {
        int capacity = keptCapacity ? 2 * keptCapacity : 64;
        repairs_markup *grown = realloc(kept, sizeof(repairs_markup) * (size_t)capacity);
        if (!grown) return parsed; // leaks as Graphviz would
        kept = grown;
        keptCapacity = capacity;
    }
    kept[keptCount++] = (repairs_markup){*attributes, *text};
    return parsed;
}
