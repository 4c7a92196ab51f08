"""Views of the pipeline for `wastrel-passes`: what a reader sees of it.

    select.py     passes by name or by the language they produce; functions by
                  name, export, index or shell-style pattern
    texts.py      each function's text in any language (L-wasm, the tree
                  languages, the C of c-print), keyed by function index
    dumps.py      dumps before/after passes, limited to some functions, and
                  `--print-changed`: each pass's changes as unified diffs
    graphs.py     networkx graphs of the pipeline and of a module's calls
    cfg.py        a function's control-flow graph, in a tree language or in C
    dot.py        graphs as Graphviz DOT text, and SVG/PNG/PDF through `dot`

Nothing here changes the program: views only read what the passes give.
"""
