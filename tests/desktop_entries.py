"""Reading desktop entries the way a desktop does, for the tests of what Ringside writes."""

from __future__ import annotations


def exec_line(entry: str) -> str:
    return next(line for line in entry.splitlines() if line.startswith("Exec=")).removeprefix("Exec=")


def parse_exec(line: str) -> list[str]:
    """What a desktop runs for an Exec= value, by the Desktop Entry spec: the string escape
    (\\\\ → \\) first, then arguments split on spaces, where double quotes group and, inside them,
    a backslash escapes " ` $ or \\; then %% is a literal %."""
    text = line.replace("\\\\", "\\")
    args: list[str] = []
    current: str | None = None
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if quoted and char == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
            current = (current or "") + text[i + 1]
            i += 2
            continue
        if char == '"':
            quoted = not quoted
            current = current or ""
        elif char == " " and not quoted:
            if current is not None:
                args.append(current)
            current = None
        else:
            current = (current or "") + char
        i += 1
    assert not quoted, f"unbalanced quotes in {line!r}"
    if current is not None:
        args.append(current)
    return [arg.replace("%%", "%") for arg in args]
