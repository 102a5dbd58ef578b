"""What a user installs is what is tested: the wheel built from this checkout, installed (not editable) into a fresh
virtual environment outside it, run from another folder as a user runs it.

The rest of the suite imports the checkout through an editable install, which finds every subpackage and every
resource whether or not the wheel ships it: a wheel without `rnn_stepper.core.cells` once passed the whole suite and
could not start. Here every Python process of the installed program runs with an audit hook that records any file
opened inside the checkout, so a resource read from the source tree instead of the package fails the test."""

import json
import os
import shutil
import struct
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[1]
# Build inputs only: the test venv, caches and earlier build output are not the source a user's pip builds from.
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                    ".hypothesis", "docs", "tests", "benchmarks")

# Installed into the test venv's site-packages: every Python process of the installed program records what it opens
# inside the checkout and, at exit, names it and exits with status 97.
GUARD = textwrap.dedent("""\
    import atexit, os, sys

    _checkout = os.environ.get("RNN_STEPPER_CHECKOUT")
    _opened = []

    def _hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path == _checkout or path.startswith(_checkout + os.sep):
                _opened.append(path)

    def _report():
        if _opened:
            sys.stderr.write("read from the checkout: " + ", ".join(sorted(set(_opened))) + "\\n")
            sys.stderr.flush()
            os._exit(97)

    if _checkout:
        sys.addaudithook(_hook)
        atexit.register(_report)
    """)


class Installed:
    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.bin = self.venv / "bin"
        self.elsewhere = root / "elsewhere"  # the working folder: neither the checkout nor the venv
        self.elsewhere.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        self.env.update(RNN_STEPPER_CHECKOUT=str(CHECKOUT), QT_QPA_PLATFORM="offscreen", HOME=str(root / "home"),
                        XDG_DATA_HOME=str(root / "data"), XDG_CONFIG_HOME=str(root / "config"), LANG="C.UTF-8",
                        PATH=f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}")
        self.env.pop("PYQTGRAPH_QT_LIB", None)

    def run(self, *argv, check=True, timeout=300):
        result = subprocess.run([str(a) for a in argv], cwd=self.elsewhere, env=self.env, capture_output=True,
                                text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check:
            assert result.returncode == 0, f"{argv}: exit {result.returncode}\n{result.stderr[-3000:]}"
        return result

    def stepper(self, *argv, **kw):
        return self.run(self.bin / "rnn-stepper", *argv, **kw)

    def python(self, code: str, **kw):
        return self.run(self.bin / "python", "-c", code, **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """One wheel and one venv for the module: the install takes torch from pip's cache or this machine's disk."""
    root = tmp_path_factory.mktemp("installed")
    source = root / "source"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCE)
    dist = root / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", dist,
             source]
    subprocess.run([str(a) for a in build], check=True, capture_output=True, cwd=root)
    wheel = next(dist.glob("rnn_stepper-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, capture_output=True)
    target = Installed(root)
    target.run(target.bin / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-c", CHECKOUT / "constraints.txt", wheel, timeout=900)
    site = Path(target.python("import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "_checkout_guard.py").write_text(GUARD)
    (site / "zz_checkout_guard.pth").write_text("import _checkout_guard\n")
    return target


def test_the_package_and_its_resources_come_from_the_venv(installed):
    out = installed.python(textwrap.dedent("""\
        import importlib.resources, json, rnn_stepper
        from rnn_stepper.ui import i18n
        from rnn_stepper.core.session_file import example_sessions
        resources = importlib.resources.files("rnn_stepper.resources")
        print(json.dumps({"package": rnn_stepper.__file__, "qm": i18n.qm_path("ko"),
                          "examples": example_sessions(),
                          "icons": sorted(p.name for p in (resources / "icons").iterdir())}))
        """)).stdout
    found = json.loads(out)
    venv = str(installed.venv.resolve())
    for path in [found["package"], found["qm"], *found["examples"].values()]:
        assert os.path.realpath(path).startswith(venv + os.sep), path
    assert os.path.getsize(found["qm"]) > 0
    shipped = sorted(p.name[: -len(".rnnstep.json")] for p in (CHECKOUT / "resources" / "sessions").iterdir()
                     if p.name.endswith(".rnnstep.json"))
    assert sorted(found["examples"]) == shipped
    assert found["icons"] == ["rnn-stepper.png", "rnn-stepper.svg"]


def test_trace_runs_for_every_cell_type_and_speaks_korean(installed):
    from rnn_stepper.core.cells import CELL_TYPES

    for cell, kind in CELL_TYPES.items():
        out = installed.stepper("trace", "--cell", cell, "--lang", "en").stdout
        assert f"bitwise identical to nn.{kind.module_name}: yes" in out
    korean = installed.stepper("trace", "--lang", "ko").stdout
    assert "타임 스텝 0" in korean and "time step" not in korean


def test_every_shipped_example_opens_by_name(installed):
    names = sorted(p.name[: -len(".rnnstep.json")] for p in (CHECKOUT / "resources" / "sessions").iterdir()
                   if p.name.endswith(".rnnstep.json"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda n: installed.stepper("trace", "--session", n, "--format", "json"), names))
    for name, result in zip(names, results):
        document = json.loads(result.stdout)
        if document["schema"] == "rnn-stepper/packed":  # a session with lengths: its packed pass, the batch shrinking
            assert document["cells"] and document["bitwise_equal"], name
        else:
            assert document["steps"], name


def test_the_python_api_steps_the_users_own_module(installed):
    out = installed.python(textwrap.dedent("""\
        import torch, torch.nn as nn, rnn_stepper
        torch.manual_seed(1)
        gru = nn.GRU(5, 2)
        x = torch.randn(3, 5)
        trace = rnn_stepper.trace(gru, x)
        with torch.no_grad():
            expected, _ = gru(x)
        print(trace.bitwise_equal, torch.equal(trace.output.view(torch.int32), expected.view(torch.int32)))
        """)).stdout
    assert out.split() == ["True", "True"]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_a_screenshot_and_slides(installed):
    shot = installed.elsewhere / "shot.png"
    installed.stepper("--steps", "2", "--screenshot", shot, "--size", "1024x768", "--lang", "ko")
    assert png_size(shot) == (1024, 768)
    slides = installed.elsewhere / "slides"
    installed.stepper("slides", slides, "--size", "800x600")
    made = sorted(slides.glob("*.png"))
    assert len(made) == 3 * 4 and made[0].name == "000-t0-input_projection.png"  # T = 3 steps of 4 phases
    assert {png_size(p) for p in made} == {(800, 600)}


def test_the_desktop_entry_validates_and_starts_the_installed_window(installed):
    out = installed.stepper("--install-desktop-entry").stdout
    entry = installed.root / "data" / "applications" / "rnn-stepper.desktop"
    assert f"wrote {entry}" in out
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert result.returncode == 0 and "error" not in result.stdout, result.stdout
    keys = dict(line.split("=", 1) for line in entry.read_text().splitlines()[1:] if line)
    command = keys["Exec"].split(" ")  # the venv's path in this test holds no character that needs quoting
    assert command[0] == str(installed.bin / "python") and command[1:] == ["-m", "rnn_stepper"]
    shot = installed.elsewhere / "from-the-menu.png"
    installed.run(*command, "--screenshot", shot, "--size", "800x600")
    assert png_size(shot) == (800, 600)


def test_the_guard_itself_catches_a_read_from_the_checkout(installed):
    result = installed.python(f"open({str(CHECKOUT / 'README.md')!r}).read(10)", check=False)
    assert result.returncode == 97 and "read from the checkout" in result.stderr
