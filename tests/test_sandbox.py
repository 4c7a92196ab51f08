"""The filesystem sandbox: a program sees only its preopened directories.

* Escapes: wasi_escape tries `..`, absolute paths, absolute and climbing
  symlinks (the host's and its own), /proc, hard links, renames (also of a
  directory it holds open), and a directory outside given as stdin; in both
  sandbox modes, as root and as an unprivileged user.  Every attempt must
  fail, and no file outside the sandbox may change.
* The namespace, seen from outside: the root of the running program holds
  only the preopens, bind-mounted at their guest paths (read-only ones
  mounted read-only), and no descriptor the parent left open.
* Refusal: where namespaces are not available (here: unshare(2) denied by
  seccomp, as in many containers), the program refuses to run with
  preopens, in one line, unless --sandbox=beneath is given.
* The command lines: --dir, --dir-ro and --sandbox, on a compiled program
  and through `wastrel run`, in order; nested preopens; bad directories.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from tests.cli_util import wastrel
from tests.wasi_util import (
    AS_NOBODY,
    IS_ROOT,
    give_to,
    helper,
    program,
    run,
    shared_tmp,
    user_prefix,
    users,
    wasm_module,
    with_options,
)

MODES = ["namespace", "beneath"]
REFUSAL = "cannot build the filesystem sandbox"
ESCAPES = 40  # the attempts wasi_escape makes


def namespaces_work(user: str) -> bool:
    """Whether `user` may create the namespaces (unprivileged user
    namespaces can be disabled, e.g. by kernel.unprivileged_userns_clone)."""
    as_root = user == "self" and IS_ROOT  # root needs no user namespace
    command = [*user_prefix(user), "unshare", "--mount" if as_root else "--user", "true"]
    return subprocess.run(command, capture_output=True).returncode == 0


# ---- escapes ------------------------------------------------------------------------


def make_layout(base: Path) -> Path:
    """A secret and a directory outside, the sandbox beside them with its
    symlinks out; returns the sandbox."""
    (base / "secret.txt").write_text("top secret\n")
    (base / "outside").mkdir()
    (base / "outside" / "file").write_text("outside\n")
    sandbox = base / "sandbox"
    sandbox.mkdir()
    (sandbox / "inside.txt").write_text("inside\n")
    for name, target in [
        ("abs_file", base / "secret.txt"),
        ("abs_dir", base),
        ("up_file", "../secret.txt"),
        ("up_dir", ".."),
        ("proc_root", "/proc/self/root"),
        ("proc_fd", "/proc/self/fd/0"),
    ]:
        (sandbox / name).symlink_to(target)
    return sandbox


def assert_all_failed(transcript: str, attempts: int) -> None:
    """Every "escape ..." line of wasi_escape's transcript ends in an errno
    (not "ok"), and nothing leaked."""
    lines = transcript.splitlines()
    escapes = [line for line in lines if line.startswith("escape")]
    assert len(escapes) == attempts and lines[-1] == "done"
    assert [line for line in escapes if not re.search(r": (?!ok$)[A-Z0-9]+$", line)] == []
    assert "LEAK" not in transcript


def snapshot(base: Path, skip: Path) -> dict[str, tuple]:
    """Everything under `base` but `skip`: type, contents or target, mode, mtime."""
    state = {}
    for entry in sorted(base.rglob("*")):
        if entry == skip or skip in entry.parents:
            continue
        st = entry.lstat()
        what = os.readlink(entry) if entry.is_symlink() else entry.read_bytes() if entry.is_file() else None
        state[str(entry.relative_to(base))] = (what, st.st_mode, st.st_mtime_ns, st.st_uid)
    return state


@pytest.mark.parametrize("user", users())
@pytest.mark.parametrize("mode", MODES)
def test_no_escape(mode, user):
    with shared_tmp() as base:
        sandbox = make_layout(base)
        give_to(base, user)
        before = snapshot(base, sandbox)
        outside = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
        try:
            proc = run(program("wasi_escape"), [f"--sandbox={mode}", "--dir", f"{sandbox}::/"], user=user, stdin=outside)
        finally:
            os.close(outside)
        if mode == "namespace" and not namespaces_work(user):
            assert proc.returncode == 1 and REFUSAL in proc.stderr
            return
        assert (proc.returncode, proc.stderr) == (0, "")
        assert_all_failed(proc.stdout, ESCAPES)
        assert "top secret" not in proc.stdout
        assert snapshot(base, sandbox) == before


def test_no_preopen_no_filesystem():
    with shared_tmp() as base:
        make_layout(base)
        proc = run(program("wasi_escape"))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert_all_failed(proc.stdout, ESCAPES)


# ---- the namespace from outside -------------------------------------------------------


@pytest.mark.parametrize("user", users())
def test_namespace_root_holds_only_the_preopens(user):
    if not namespaces_work(user):
        pytest.skip("no namespaces for this user here")
    with shared_tmp() as base:
        sandbox = make_layout(base)
        other = base / "outside"
        give_to(base, user)
        leaked = os.open(base, os.O_RDONLY | os.O_DIRECTORY)  # the program must not keep it
        options = ["--dir", f"{sandbox}::/sandbox", "--dir-ro", f"{other}::/data/other"]
        proc = subprocess.Popen(
            [*user_prefix(user), program("wasi_escape"), "wait"],
            env=with_options(options),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            pass_fds=[leaked],
        )
        os.close(leaked)
        try:
            while proc.stdout.readline() not in ("waiting\n", ""):
                pass
            root = Path(f"/proc/{proc.pid}/root")
            try:
                assert sorted(os.listdir(root)) == ["data", "sandbox"]
            except PermissionError:
                pytest.skip("cannot look into another user namespace from here")
            assert os.listdir(root / "data") == ["other"]
            assert sorted(os.listdir(root / "sandbox")) == sorted(os.listdir(sandbox))
            assert (root / "data" / "other" / "file").read_text() == "outside\n"
            mounts = {fields[4]: fields[5].split(",") for fields in (line.split() for line in Path(f"/proc/{proc.pid}/mountinfo").read_text().splitlines())}
            assert sorted(mounts) == ["/", "/data/other", "/sandbox"]
            assert "ro" in mounts["/"] and "ro" in mounts["/data/other"] and "rw" in mounts["/sandbox"]
            fds = Path(f"/proc/{proc.pid}/fd")
            held = sorted(os.readlink(fd) for fd in fds.iterdir() if int(fd.name) > 2)
            assert held == ["/data/other", "/sandbox"]  # the preopens, nothing inherited
        finally:
            out, _ = proc.communicate("", timeout=60)
        assert proc.returncode == 0 and out.endswith("done\n")


# ---- refusal where namespaces are not available ------------------------------------------


@pytest.mark.parametrize("user", users())
def test_refuses_without_namespaces_unless_beneath(user):
    deny = helper("deny_unshare")
    with shared_tmp() as base:
        sandbox = make_layout(base)
        command = [*user_prefix(user), str(deny), str(program("wasi_preopens"))]
        preopen = ["--dir", f"{sandbox}::/"]
        refused = subprocess.run(command, capture_output=True, text=True, timeout=60, env=with_options(preopen))
        beneath = subprocess.run(command, capture_output=True, text=True, timeout=60, env=with_options([*preopen, "--sandbox=beneath"]))
        without_preopens = subprocess.run(command, capture_output=True, text=True, timeout=60, env=with_options([]))
    assert (refused.returncode, refused.stdout) == (1, "")
    assert len(refused.stderr.splitlines()) == 1
    assert REFUSAL in refused.stderr and "Operation not permitted" in refused.stderr
    assert "--sandbox=beneath" in refused.stderr
    assert (beneath.returncode, beneath.stderr) == (0, "")
    assert beneath.stdout.startswith('3 "/" read-write: . .. abs_dir')
    assert (without_preopens.returncode, without_preopens.stdout) == (0, "")


def test_unprivileged_user_namespaces_or_a_clear_refusal():
    """As an unprivileged user, the namespace mode works where the kernel
    allows user namespaces, and says clearly why not where it does not."""
    user = "nobody" if "nobody" in users() else "self"
    with shared_tmp() as base:
        sandbox = make_layout(base)
        give_to(base, user)
        proc = run(program("wasi_preopens"), ["--dir", f"{sandbox}::/"], user=user)
    if namespaces_work(user):
        assert (proc.returncode, proc.stderr) == (0, "")
    else:
        assert proc.returncode == 1 and REFUSAL in proc.stderr


# ---- command lines ---------------------------------------------------------------------


@pytest.fixture
def two_dirs():
    with shared_tmp() as base:
        for name in ("one", "two"):
            (base / name).mkdir()
            (base / name / f"in-{name}").write_text(name)
        yield base / "one", base / "two"


@pytest.mark.parametrize("mode", MODES)
def test_preopens_in_order_read_only_and_named(two_dirs, mode):
    one, two = two_dirs
    options = ["--dir-ro", f"{two}::/two", "--dir", str(one), "--dir", f"{one}::.", f"--sandbox={mode}"]
    proc = run(program("wasi_preopens"), options)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == [
        '3 "/two" read-only: . .. in-two',
        f'4 "{one}" read-write: . .. in-one',
        '5 "." read-write: . .. in-one',
    ]


def test_wastrel_run_passes_the_preopens(two_dirs):
    one, two = two_dirs
    result = wastrel("run", "--dir", f"{one}::/x", "--dir-ro", f"{two}::/y", "--dir", f"{two}::/z", "--sandbox", "beneath", wasm_module("wasi_preopens"))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        '3 "/x" read-write: . .. in-one',
        '4 "/y" read-only: . .. in-two',
        '5 "/z" read-write: . .. in-two',
    ]


@pytest.mark.parametrize("mode", MODES)
def test_nested_preopens(two_dirs, mode):
    """A preopen inside another's guest path: each descriptor still shows its
    own host directory (as in wasmtime), and the host is not changed."""
    one, two = two_dirs
    proc = run(program("wasi_preopens"), [f"--sandbox={mode}", "--dir", f"{one}::/", "--dir", f"{two}::/sub", "--dir", f"{one}::/sub/deeper"])
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == [
        '3 "/" read-write: . .. in-one',
        '4 "/sub" read-write: . .. in-two',
        '5 "/sub/deeper" read-write: . .. in-one',
    ]
    assert sorted(os.listdir(one)) == ["in-one"] and sorted(os.listdir(two)) == ["in-two"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("spec, message", [("missing", "No such file or directory"), ("file", "Not a directory")])
def test_bad_preopen(two_dirs, mode, spec, message):
    one, _ = two_dirs
    (one / "file").write_text("")
    proc = run(program("wasi_preopens"), [f"--sandbox={mode}", "--dir", f"{one / spec}::/"])
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"wastrel: --dir {one / spec}::/: {message}\n"


def test_bad_sandbox_option():
    proc = run(program("wasi_preopens"), ["--sandbox=chroot"])
    assert proc.returncode == 2 and "--sandbox must be namespace or beneath" in proc.stderr


def test_as_nobody_prefix_drops_root():
    """The unprivileged runs really are unprivileged."""
    if "nobody" not in users():
        pytest.skip("the tests do not run as root")
    assert subprocess.run([*AS_NOBODY, "id", "-u"], capture_output=True, text=True).stdout == "65534\n"
