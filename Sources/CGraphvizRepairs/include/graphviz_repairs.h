// Repairs for two memory leaks of Graphviz 2.42 (Debian 12's libgvc, which reports 2.43.0)
// that grow a long-running process by 8–20 KB for every figure with HTML-like labels laid out:
//
// 1. libgvc's free_html_text frees each text span's strings and the array of lines, but never
//    the array of spans on each line (allocated in htmlparse's appendFLineList): 72 bytes per
//    span, per line, per label, per layout.
// 2. The pango plugin's text layout calls pango_parse_markup for every span with a font flag
//    (<B>, <I>, <SUB>…) and never frees the text and attribute list it returns (the PangoLayout
//    keeps its own copy of the text and its own reference to the list).
//
// Both are repaired by interposition: this module defines `free_html_text` and
// `pango_parse_markup`, which the dynamic linker binds in place of the libraries' own (an
// executable's definition comes first in symbol lookup); each calls the library's function and
// frees what it leaks. Nothing else in adviz sees these functions: GraphvizKit enables the
// repairs for the versions whose code they match and brackets each Graphviz call.
#ifndef ADVIZ_GRAPHVIZ_REPAIRS_H
#define ADVIZ_GRAPHVIZ_REPAIRS_H

/// Enables the repairs if `version` (gvcVersion's) is one whose leaks they match (2.42 and
/// Debian's 2.43.0); other versions only pass through. Returns 1 if enabled.
int adviz_graphviz_repairs_enable(const char *version);

/// Turns the repairs on or off (tests compare figures drawn both ways); returns the old state.
int adviz_graphviz_repairs_set(int on);

/// Whether the repairs are on.
int adviz_graphviz_repairs_enabled(void);

/// Marks the calling thread as inside a Graphviz call: markup parsed by the pango plugin from now
/// on is this call's to free. Call with Graphviz's lock held.
void adviz_graphviz_repairs_begin(void);

/// Ends the call begun by adviz_graphviz_repairs_begin: frees the markup results the pango plugin
/// left behind (its layouts hold their own copies by now).
void adviz_graphviz_repairs_end(void);

/// How many leaked blocks the repairs have freed: 0 the arrays of spans of HTML text lines,
/// 1 the texts and attribute lists of parsed markup (for tests).
long adviz_graphviz_repairs_freed(int which);

#endif
