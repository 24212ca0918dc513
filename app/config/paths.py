"""Where Ringside keeps its files: `RINGSIDE_HOME` (or --home) holds everything; otherwise the
platform's standard config and data folders.

Everything Ringside writes is for the user alone: `private_umask()` (called once at start) keeps
every file it creates 0600 and folder 0700 whatever the umask was, and a folder Ringside creates is
made 0700. A folder that already exists keeps its mode: it may hold more than Ringside's files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.errors import RingsideError

APP_NAME = "Ringside"


class HomeUnusable(RingsideError):
    """The config or data folder can't be created or written."""


def private_umask() -> None:
    """Files and folders this process creates are readable by the user alone (adds 077 to the umask)."""
    if os.name == "posix":
        os.umask(os.umask(0o077) | 0o077)


def make_private_dir(folder: Path) -> None:
    """Create `folder` (and missing parents) if it is missing, the folder itself 0700. An existing
    folder is left exactly as it is. HomeUnusable, in one line, when it can't be made."""
    if folder.is_dir():
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if folder.is_dir():
                return  # made by another process just now
            raise
    except OSError as exc:
        raise HomeUnusable(f"Ringside can't create its folder {folder}: {exc.strerror or exc}.") from None
    if os.name == "posix":
        folder.chmod(0o700)  # whatever the umask took away or let through


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "ringside.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "ringside.log"

    @property
    def crash_log(self) -> Path:
        """Where a fatal error's trace is written as it happens (copied into the log on the next start)."""
        return self.data_dir / "crash.log"

    @property
    def lock_file(self) -> Path:
        """Held locked for the life of the running app: one Ringside per data folder."""
        return self.data_dir / "ringside.lock"

    @property
    def instance_file(self) -> Path:
        """Address and token of the running instance, for `ringside event` and friends."""
        return self.data_dir / "instance.json"

    def ensure(self) -> None:
        """Create the folders Ringside needs (0700 when it creates them); HomeUnusable if it can't."""
        for folder in (self.config_dir, self.data_dir):
            make_private_dir(folder)


def resolve(home: str | os.PathLike[str] | None = None) -> Paths:
    chosen = home or os.environ.get("RINGSIDE_HOME")
    if chosen:
        base = Path(chosen).expanduser().resolve()
        return Paths(config_dir=base, data_dir=base)
    return Paths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
    )
