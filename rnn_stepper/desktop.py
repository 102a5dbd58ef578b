"""`rnn-stepper --install-desktop-entry`: RNN Stepper in a Linux desktop's application menu.

The freedesktop.org way: a `.desktop` file in $XDG_DATA_HOME/applications and the icon in the hicolor theme under
$XDG_DATA_HOME/icons, both for this user only. The entry starts this very installation (the Python it runs in, with
`-m rnn_stepper`), so it keeps working whether pip, pipx or a virtual environment put the program there, and whether
or not its scripts folder is on PATH. Windows and macOS need none of this: pip makes an `rnn-stepper` launcher there.
"""

from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

from .core.errors import InputError

APP_ID = "rnn-stepper"  # the .desktop file's name, the icon's name and the window's class (app.setDesktopFileName)

ENTRY = """[Desktop Entry]
Type=Application
Version=1.0
Name=RNN Stepper
GenericName=Recurrent network stepper
GenericName[ko]=순환 신경망 단계 실행기
Comment=Step through PyTorch's nn.RNN, GRU and LSTM one phase at a time, checked bit for bit
Comment[ko]=PyTorch의 nn.RNN, GRU, LSTM을 한 단계씩 따라가며 비트 단위로 확인합니다
Exec={exec}
TryExec={try_exec}
Icon={icon}
Terminal=false
Categories=Education;ArtificialIntelligence;
Keywords=RNN;LSTM;GRU;PyTorch;recurrent;neural network;lecture;
StartupWMClass={app_id}
"""


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the base directory spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def entry_path() -> Path:
    return data_home() / "applications" / f"{APP_ID}.desktop"


def icon_paths() -> dict[str, Path]:
    """The shipped icon file → where the hicolor theme looks for it."""
    icons = data_home() / "icons" / "hicolor"
    return {"rnn-stepper.png": icons / "256x256" / "apps" / f"{APP_ID}.png",
            "rnn-stepper.svg": icons / "scalable" / "apps" / f"{APP_ID}.svg"}


def exec_argument(text: str) -> str:
    """One argument of an Exec key, quoted as the Desktop Entry spec asks: inside double quotes, `"`, `` ` ``,
    `$` and `\\` are escaped with a backslash, and the file's own escape rule then doubles every backslash."""
    plain = text and all(c.isalnum() or c in "/._-+,=:@" for c in text)
    quoted = text if plain else '"' + "".join("\\" + c if c in '"`$\\' else c for c in text) + '"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def launcher_command() -> list[str]:
    """The command the entry runs: this installation's own Python, with -m rnn_stepper. Not its real path: a
    virtual environment's python is a link to the base interpreter, and only through the link does it see the
    environment's packages."""
    return [os.path.abspath(sys.executable), "-m", "rnn_stepper"]


def install() -> list[Path]:
    """Write the icon and the entry; return the paths written. InputError when a folder cannot be written."""
    if not sys.platform.startswith("linux"):
        raise InputError("--install-desktop-entry is for Linux desktops; on Windows and macOS start RNN Stepper "
                         "with the rnn-stepper command pip installed (or pin it to the taskbar or Dock from there)")
    shipped = importlib.resources.files("rnn_stepper.resources") / "icons"
    written = []
    command = launcher_command()
    if any("\n" in part for part in command):
        raise InputError("Python's path holds a line break, which a desktop entry cannot hold", command[0])
    text = ENTRY.format(exec=" ".join(exec_argument(a) for a in command), try_exec=command[0].replace("\\", "\\\\"),
                        icon=APP_ID, app_id=APP_ID)
    targets = [(icon, (shipped / name).read_bytes()) for name, icon in icon_paths().items()]
    targets.append((entry_path(), text.encode("utf-8")))
    for path, content in targets:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, path)  # a menu reading the folder never sees half an entry
        except OSError as exc:
            raise InputError(f"cannot be written ({exc.strerror or exc}); set XDG_DATA_HOME to a folder you can "
                             "write, or fix its permissions", str(path.parent)) from None
        written.append(path)
    return written


def remove() -> list[Path]:
    """Remove what install wrote; return the paths removed."""
    removed = []
    for path in [entry_path(), *icon_paths().values()]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise InputError(f"cannot be removed ({exc.strerror or exc})", str(path)) from None
        removed.append(path)
    return removed
