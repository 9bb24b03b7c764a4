// The C side of adviz's Graphviz binding: cgraph and gvc, and small inline functions that
// give Swift what it cannot take directly (cgraph's `char *` parameters, the `Agdirected`
// global, macros). Nothing but GraphvizKit imports this module.
#ifndef ADVIZ_CGRAPHVIZ_SHIM_H
#define ADVIZ_CGRAPHVIZ_SHIM_H

#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>
#include <stdlib.h>

static inline Agraph_t *adviz_open_directed(const char *name) {
    return agopen((char *)name, Agdirected, NULL);
}

static inline Agraph_t *adviz_read_memory(const char *text) { return agmemread(text); }

static inline Agnode_t *adviz_node(Agraph_t *g, const char *name) { return agnode(g, (char *)name, 1); }

static inline Agedge_t *adviz_edge(Agraph_t *g, Agnode_t *tail, Agnode_t *head, const char *name) {
    return agedge(g, tail, head, (char *)name, 1);
}

static inline Agraph_t *adviz_subgraph(Agraph_t *g, const char *name) { return agsubg(g, (char *)name, 1); }

static inline Agnode_t *adviz_subgraph_add_node(Agraph_t *sub, Agnode_t *n) { return agsubnode(sub, n, 1); }

/// Declares an attribute with a default value for graphs (0), nodes (1) or edges (2).
static inline Agsym_t *adviz_declare(Agraph_t *g, int kind, const char *name, const char *value) {
    return agattr(g, kind, (char *)name, (char *)value);
}

static inline int adviz_set(void *object, const char *name, const char *value) {
    return agsafeset(object, (char *)name, (char *)value, "");
}

/// Sets an HTML-like label: the string is marked as HTML so Graphviz parses its tables.
static inline int adviz_set_html(Agraph_t *root, void *object, const char *name, const char *html) {
    char *s = agstrdup_html(root, (char *)html);
    int result = agsafeset(object, (char *)name, s, "");
    agstrfree(root, s);
    return result;
}

static inline int adviz_node_count(Agraph_t *g) { return agnnodes(g); }
static inline int adviz_edge_count(Agraph_t *g) { return agnedges(g); }

static inline pointf adviz_node_coord(Agnode_t *n) { return ND_coord(n); }
static inline double adviz_node_width(Agnode_t *n) { return ND_width(n); }
static inline double adviz_node_height(Agnode_t *n) { return ND_height(n); }

/// gvc keeps the last layout engine's features in the context; exported by libgvc, not declared in its headers.
extern int gvlayout_select(GVC_t *gvc, const char *layout);

/// The resolution the layout read from the graph's `dpi` attribute (0 if none), which gvc
/// uses to scale every format it renders.
static inline double adviz_layout_dpi(Agraph_t *g) { return GD_drawing(g) ? GD_drawing(g)->dpi : 0; }

/// Sets the resolution the next render uses: 72 for vector formats (SVG and PDF then keep
/// their points as user units), the raster's own dpi for PNG.
static inline void adviz_set_render_dpi(Agraph_t *g, double dpi) {
    if (GD_drawing(g)) GD_drawing(g)->dpi = dpi;
}

/// Renders `g`, first making its own layout engine the context's current one (one context
/// serves every drawing, and rendering reads the current engine's features).
static inline int adviz_render(GVC_t *gvc, Agraph_t *g, const char *engine, const char *format, char **data, unsigned int *length) {
    gvlayout_select(gvc, engine);
    return gvRenderData(gvc, g, format, data, length);
}

#endif
