"""Contract tests: what the connectors send, compared with golden examples from the public references.

Each golden (goldens_retailcrm.py, goldens_fixdigital.py) is one request as a public reference shows it:
path, method, headers, encoding, field names and casing, types, enumerations and date formats, with the
reference named beside it (repository and file). Example values are the emulators' demo data; what is
compared is the shape, never the sample values.

Two checks use the same goldens:
- the connector: it runs against its emulator, the emulator's journal captures what it actually sent,
  and every request is compared with its golden (`shape.problems`); every golden must be exercised;
- the emulator: the golden request itself must be accepted, and a request that deviates from it in a
  way the reference forbids (a JSON body, a field in the wrong place, an unknown enum, another date
  format, another casing) must be refused.

So a connector and its emulator can no longer agree on something the reference contradicts. Where no
public reference exists (FixDigital's callback authentication, the retailCRM 2017-versus-current module
layouts) the goldens say so, and README's "what is verified against what" table says so too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.sandboxes import FdSandbox, RcSandbox, fd_sandbox, rc_sandbox, rc_secrets

__all__ = ["FdSandbox", "RcSandbox", "fd_sandbox", "rc_sandbox", "rc_secrets"]  # fixtures, used by name


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as made:
        yield made
