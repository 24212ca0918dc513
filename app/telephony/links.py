"""tel:, callto: and sip: links, as a browser or the desktop hands them to `ringside` (the bare URL
as the first argument): `tel:+61491570006`, `tel:%2B61-491-570-006;phone-context=…`,
`callto://+61491570006`, `sip:+61491570006@pbx.example.com;user=phone`."""

from __future__ import annotations

import re
from urllib.parse import unquote

from app.errors import InvalidNumber

_LINK = re.compile(r"^(?P<scheme>tel|callto|sips?):(?://)?(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_MAX_LINK = 512


def is_call_link(text: str) -> bool:
    return bool(_LINK.match(text.strip()))


def number_from_link(link: str) -> str:
    """The number a call link is for (not yet normalised). Raises InvalidNumber naming the link."""
    text = link.strip()
    match = _LINK.match(text)
    if not match or len(text) > _MAX_LINK:
        raise InvalidNumber(f"'{text[:40]}' is not a tel:, callto: or sip: link.")
    rest = unquote(match.group("rest"))
    # The user part: before parameters (;phone-context=…), headers (?…) and, for sip:, the host.
    number = re.split(r"[;?@>]", rest, maxsplit=1)[0].strip().rstrip("/")
    if not number:
        raise InvalidNumber(f"'{text[:40]}' has no number in it.")
    return number
