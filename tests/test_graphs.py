"""`wastrel-passes --graph pipeline|cfg|calls`, through the command line: the
DOT's nodes and edges for small known functions (an if/else, a loop with
br_if, a br_table, C's do-while and switch, calls direct, imported and
indirect), pictures drawn by Graphviz's dot when it is installed, and one
line for every mistake."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_util import one_line_error, wastrel_passes
from wastrel.ir import nodes as n
from wastrel.ir.wasm import FuncType
from wastrel.views.cfg import control_flow_graph

ROOT = Path(__file__).resolve().parent.parent
DO_WHILE = ROOT / "tests" / "golden_cases" / "do_while_outer_branch.wat"

MODULE = """\
(module
  (import "spectest" "print_i32" (func $log (param i32)))  ;; a host function: it never throws
  (type $unop (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) func $double $fib_iter)
  (func $double (type $unop) (i32.add (local.get 0) (local.get 0)))
  (func $fib_iter (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))
  (func $choose (export "choose") (param $c i32) (param $x i32) (result i32)
    (if (result i32) (local.get $c)
      (then (call $double (local.get $x)))
      (else (call $log (local.get $x)) (local.get $x))))
  (func $dispatch (param $i i32) (param $x i32) (result i32)
    (call $log (i32.const 7))
    (call $log (i32.const 8))
    (call_indirect (type $unop) (local.get $x) (local.get $i)))
  (func $pick (param $i i32) (result i32)
    (block $a (block $b (block $c (br_table $a $b $c (local.get $i))) (return (i32.const 3))) (return (i32.const 2)))
    (i32.const 1)))
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("graphs") / "m.wat"
    path.write_text(MODULE)
    return path


class Dot:
    """The nodes and edges of the DOT that wastrel writes, by label."""

    def __init__(self, text: str):
        assert text.startswith("digraph ") and text.rstrip().endswith("}")
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        for line in text.splitlines()[1:-1]:
            if match := re.fullmatch(r'  "((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"(?: \[(.*)\])?', line):
                self.edges.append((match[1], match[2], _attrs(match[3] or "")))
            elif match := re.fullmatch(r'  "((?:[^"\\]|\\.)*)"(?: \[(.*)\])?', line):
                self.nodes[match[1]] = _attrs(match[2] or "")

    def label(self, node: str) -> str:
        return self.nodes[node].get("label", node)

    def find(self, text: str) -> str:
        """The one node whose label contains `text`."""
        found = [v for v in self.nodes if text in self.label(v)]
        assert len(found) == 1, (text, found)
        return found[0]

    def edge(self, source: str, target: str) -> dict[str, str]:
        """The attributes of the one edge between nodes whose labels contain these."""
        a, b = self.find(source), self.find(target)
        found = [attrs for s, t, attrs in self.edges if (s, t) == (a, b)]
        assert len(found) == 1, (source, target, found)
        return found[0]

    def labelled(self) -> set[tuple[str, str, str]]:
        return {(self.label(s), self.label(t), attrs.get("label", "")) for s, t, attrs in self.edges}


def _attrs(text: str) -> dict[str, str]:
    return {key: value.replace('\\"', '"') for key, value in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', text)}


def graph(*args: str | Path) -> Dot:
    result = wastrel_passes("--graph", *args)
    assert result.returncode == 0, result.stderr
    return Dot(result.stdout)


# -- pipeline ----------------------------------------------------------------------


def test_pipeline_passes_as_nodes_languages_on_edges() -> None:
    dot = graph("pipeline")
    listed = [line.split()[0] for line in wastrel_passes("--list").stdout.splitlines()]
    assert [v for v in dot.nodes if v not in ("input", "output")] == listed
    chain = [(s, t, a["label"]) for s, t, a in dot.edges if a.get("style") != "dashed"]
    assert chain[0] == ("input", "decode", "bytes")
    assert ("stack-to-tree", "annotate-effects", "tree") in chain
    assert ("annotate-effects", "fold-temps", "effects") in chain
    assert ("remove-unused-labels", "c-print", "c") in chain
    assert chain[-1] == ("c-print", "output", "C")
    assert [(s, t) for s, t, _ in chain] == list(zip(["input", *listed], [*listed, "output"]))
    requires = [a for _, _, a in dot.edges if a.get("style") == "dashed"]
    assert requires and all(a == {"label": "requires", "style": "dashed", "constraint": "false"} for a in requires)


# -- control-flow graphs -----------------------------------------------------------------


def test_cfg_of_an_if_else(module: Path) -> None:
    tree = graph("cfg", "--function=choose", "--dump-after=tree", module)
    assert tree.nodes["b0"]["label"] == "(if $if1 (local.get $c))\\l"
    assert tree.edge("(if $if1", "call $double")["label"] == "then"
    assert tree.edge("(if $if1", "call $log")["label"] == "else"
    assert tree.edge("call $double", "(return")["label"] == "br $if1"
    assert tree.edge("call $log", "(return")["label"] == "br $if1"
    assert tree.edge("(return", "exit")["label"] == "return"
    c = graph("cfg", "--function=choose", module)  # the C as printed
    assert c.edge("(c.if (local.get $c))", "(local.set $if1_r0 (call $double")["label"] == "then"
    assert c.edge("(c.if (local.get $c))", "(eval (call $log")["label"] == "else"
    assert "label" not in c.edge("(eval (call $log", "(return")  # falls through to the join


def test_cfg_of_a_loop_with_br_if(module: Path) -> None:
    tree = graph("cfg", "--function=fib", "--stop-after=effects", module)
    assert "(local.set $b (i32.const 1))" in tree.label("b0")
    assert tree.edge("(br_if $block1", "(return (local.get $a))")["label"] == "br_if $block1"
    assert tree.edge("(br_if $block1", "(local.set $t")["label"] == "else"
    back = tree.edge("(local.set $t", "(br_if $block1")
    assert back["label"] == "br $loop2" and back["back"] == "true" and back["style"] == "dashed"
    assert [a for _, _, a in tree.edges if a.get("back")] == [back]
    c = graph("cfg", "--function=fib", module)
    assert c.edge("(c.if (i32.eqz", "(return (local.get $a))")["label"] == "then: break"
    assert c.edge("(local.set $t", "(c.if (i32.eqz")["label"] == "loop"
    assert c.edge("(local.set $t", "(c.if (i32.eqz")["back"] == "true"


def test_cfg_of_a_br_table(module: Path) -> None:
    tree = graph("cfg", "--function=pick", "--dump-after=tree", module)
    assert {e for e in tree.labelled() if e[0].startswith("(br_table")} == {
        ("(br_table $block1 $block2 $block3 (local.get $i))\\l", "(return (i32.const 1))\\l", "case 0"),
        ("(br_table $block1 $block2 $block3 (local.get $i))\\l", "(return (i32.const 2))\\l", "case 1"),
        ("(br_table $block1 $block2 $block3 (local.get $i))\\l", "(return (i32.const 3))\\l", "default"),
    }
    c = graph("cfg", "--function=pick", module)
    assert c.edge("(c.switch", "(return (i32.const 1))")["label"] == "case 0: goto $block1"


def test_cfg_of_c_do_while_gotos_and_switch() -> None:
    f = graph("cfg", "--function=f", DO_WHILE)
    assert f.edge("(c.while", "(local.set $acc")["label"] == "then"  # round again
    assert f.edge("(c.while", "(local.set $acc")["back"] == "true"
    assert f.edge("(c.while", "(c.if (i32.lt_u (local.get $i)")["label"] == "else"
    assert f.edge("(c.if (i32.lt_u (local.get $acc)", "(local.set $i")["label"] == "then: goto $loop1"
    assert f.edge("(c.if (i32.lt_u (local.get $i)", "(local.set $i")["label"] == "then: continue"
    g = graph("cfg", "--function=g", DO_WHILE)
    switch = "(c.switch"
    assert g.edge(switch, "(local.set $i")["label"] == "case 0: goto $loop1"
    assert g.edge(switch, "(c.if (i32.lt_u (local.get $i)")["label"] == "case 1: goto $block2"
    assert g.edge(switch, switch)["label"] == "default: continue"


def test_cfg_cases_fall_through_and_break_leaves_the_switch() -> None:
    """C semantics the golden cases do not reach: unit test on the c language."""
    i32 = "i32"

    def mark(k: int) -> n.Stmt:
        return n.LocalSet(1, n.Const(i32, k))

    switch = n.CSwitch(n.LocalGet(0), (((0,), (mark(10),)), ((1,), (mark(11), n.CBreak()))), (mark(12),))
    body = (n.CLoop("loop1", (switch, n.CGoto("out"))), n.CLabel("out"), n.Return((n.LocalGet(1),)))
    func = n.Function(0, "f", FuncType((i32,), (i32,)), (i32, i32), ("x", "y"), body)
    g = control_flow_graph(func)
    block = {text: v for v, data in g.nodes(data=True) for text in data["lines"]}
    edges = {(a, b, data["label"]) for a, b, data in g.edges(data=True)}
    cases = [block[f"(local.set $y (i32.const {k}))"] for k in (10, 11, 12)]
    assert {(a, b, label) for a, b, label in edges if a == block["(c.switch (local.get $x))"]} == {
        (block["(c.switch (local.get $x))"], cases[0], "case 0"),
        (block["(c.switch (local.get $x))"], cases[1], "case 1"),
        (block["(c.switch (local.get $x))"], cases[2], "default"),
    }
    out = block["(return (local.get $y))"]
    assert (cases[0], cases[1], "") in edges  # case 0 falls through into case 1
    assert (cases[1], out, "break: goto $out") in edges  # break leaves the switch, not the loop
    assert (cases[2], out, "goto $out") in edges
    assert (out, "exit", "return") in edges
    assert len(edges) == 8  # entry, the switch's three, the three above and the return


# -- calls -----------------------------------------------------------------------------------


def test_call_graph(module: Path) -> None:
    dot = graph("calls", module)
    log = dot.find("$log")
    assert dot.nodes[log]["kind"] == "import" and dot.nodes[log]["style"] == "dashed" and "(import)" in dot.label(log)
    assert "export 'choose'" in dot.label(dot.find("$choose")) and dot.nodes[dot.find("$choose")]["peripheries"] == "2"
    assert "peripheries" not in dot.nodes[dot.find("$dispatch")]
    assert "label" not in dot.edge("$choose", "$double") and "label" not in dot.edge("$choose", "$log")
    assert dot.edge("$dispatch", "$log")["label"] == "x2"
    table = dot.find("table 0")
    assert dot.label(table) == "table 0\\n[i32] -> [i32]" and dot.nodes[table]["kind"] == "table"
    assert dot.edge("$dispatch", "table 0")["label"] == "call_indirect"
    assert dot.edge("table 0", "$double")["label"] == "may call"
    assert dot.edge("table 0", "$fib_iter")["style"] == "dotted"
    assert not [e for e in dot.edges if e[0] == dot.find("$pick") or e[1] == dot.find("$pick")]


def test_call_graph_from_chosen_functions(module: Path) -> None:
    dot = graph("calls", "--function=choose", module)
    assert sorted(dot.label(v) for v in dot.nodes) == ["$choose\\nexport 'choose'", "$double", "$log\\n(import)"]


# -- files and pictures ------------------------------------------------------------------------


def test_dot_file_written(module: Path, tmp_path: Path) -> None:
    out = tmp_path / "calls.dot"
    result = wastrel_passes("--graph", "calls", "-o", out, module)
    assert result.returncode == 0 and result.stdout == "", result.stderr
    assert out.read_text() == wastrel_passes("--graph", "calls", module).stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (Debian: graphviz)")
def test_svg_and_png_drawn_by_dot(module: Path, tmp_path: Path) -> None:
    svg, png = tmp_path / "fib.svg", tmp_path / "pipeline.png"
    assert wastrel_passes("--graph", "cfg", "--function=fib", "-o", svg, module).returncode == 0
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "br_if" not in text and "c.if (i32.eqz" in text
    assert wastrel_passes("--graph", "pipeline", "-o", png).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not [p for p in tmp_path.iterdir() if p.name not in ("fib.svg", "pipeline.png")]  # written atomically


def test_without_dot_a_picture_is_one_line(module: Path, tmp_path: Path) -> None:
    code = "import sys; from wastrel.cli import passes_main; sys.exit(passes_main(sys.argv[1:]))"
    env = {**os.environ, "PATH": str(tmp_path)}  # no dot there
    out = tmp_path / "calls.svg"
    result = subprocess.run([sys.executable, "-c", code, "--graph", "calls", "-o", out, module], capture_output=True, text=True, env=env)
    line = one_line_error(result, 1)
    assert line == "wastrel: drawing SVG needs Graphviz's dot: install it (Debian: apt-get install graphviz), or write .dot"
    assert not out.exists()
    dot = subprocess.run([sys.executable, "-c", code, "--graph", "calls", "-o", tmp_path / "c.gv", module], env=env)
    assert dot.returncode == 0 and (tmp_path / "c.gv").read_text().startswith("digraph")


@pytest.mark.parametrize(
    "args, message",
    [
        (["cfg"], "--graph cfg needs --function NAME; functions: $double, $fib_iter, $choose, $dispatch, $pick"),
        (["cfg", "--function=*i*"], "--graph cfg draws one function; '*i*' chose 3; functions: $fib_iter, $dispatch, $pick"),
        (["cfg", "--function=zz"], "--function 'zz' matches no function; functions: $double, $fib_iter, $choose, $dispatch, $pick"),
        (["cfg", "--function=fib", "--dump-after=wasm"], "--graph cfg: decode gives wasm, not a tree language; choose one of"),
        (["cfg", "--function=fib", "--dump-after=tree", "--dump-after=c"], "--graph cfg draws after one pass: lower-control, stack-to-tree"),
        (["calls", "--dump-after=tree"], "--graph calls: --dump-after/--stop-after choose the pass for --graph cfg only"),
        (["calls", "--print-changed"], "--graph calls draws a picture: --dump-before and --print-changed are for text"),
        (["calls", "-o", "x.jpg"], "x.jpg: cannot tell the picture's format from '.jpg'; use .dot, .gv, .svg, .png, .pdf"),
        (["pipeline", "--function=fib"], "--graph pipeline draws the passes: --function is for cfg and calls"),
    ],
    ids=lambda x: x if isinstance(x, str) else "-".join(x)[:30],
)
def test_graph_mistakes(module: Path, args: list[str], message: str) -> None:
    line = one_line_error(wastrel_passes("--graph", *args, module))
    assert line.startswith(f"wastrel: {message}")


def test_output_without_graph_and_bad_output_directory(module: Path, tmp_path: Path) -> None:
    assert one_line_error(wastrel_passes("-o", tmp_path / "x.dot", module)) == "wastrel: -o names the file --graph writes"
    missing = tmp_path / "nowhere" / "x.dot"
    line = one_line_error(wastrel_passes("--graph", "calls", "-o", missing, module), 1)
    assert line == f"wastrel: {missing}: no such directory: {missing.parent} (for -o)"
