"""The retailCRM emulator's integration modules: what `integration-modules/{code}/edit` stores, what
the telephony methods need (an active telephony integration, its extension codes), and where
retailCRM's own requests go (the registered makeCallUrl / changeUserStatusUrl). Thread-safe."""

from __future__ import annotations

import copy
import threading
from typing import Any

from app.sandbox.retailcrm.store import DEMO_MODULE, demo_module


def client_id_of(module: dict[str, Any]) -> str | None:
    """The module's clientId: top-level (current layout) or in its telephony part (2017 layout)."""
    found = module.get("clientId") or module["integrations"].get("telephony", {}).get("clientId")
    return str(found) if found else None


class Integrations:
    def __init__(self, *, registered: bool, client_id: str, layout: str = "current") -> None:
        self._lock = threading.Lock()
        self._modules: dict[str, dict[str, Any]] = (
            {DEMO_MODULE: demo_module(client_id, layout)} if registered else {})

    def get(self, code: str) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._modules.get(code))

    def put(self, code: str, module: dict[str, Any]) -> bool:
        """Store a module; True when it is new."""
        with self._lock:
            created = code not in self._modules
            self._modules[code] = copy.deepcopy(module)
        return created

    def telephony(self, client_id: str | None) -> dict[str, Any] | None:
        """The active telephony integration (the one with `client_id`, when given)."""
        with self._lock:
            for module in self._modules.values():
                telephony = module["integrations"].get("telephony")
                if module.get("active") and telephony and client_id in (None, client_id_of(module)):
                    found: dict[str, Any] = copy.deepcopy(telephony)
                    return found
        return None

    def code_of(self, user_id: int) -> str | None:
        """The user's extension code in an active telephony integration."""
        with self._lock:
            return next((str(c["code"]) for module in self._modules.values() if module.get("active")
                         for c in module["integrations"].get("telephony", {}).get("additionalCodes", [])
                         if str(c["userId"]) == str(user_id)), None)

    def callback(self, code: str, field: str, user_id: int, client_id: str | None) -> tuple[str, dict[str, str]]:
        """The URL and parameters retailCRM sends to `field` (makeCallUrl, changeUserStatusUrl) for a user."""
        with self._lock:
            module = self._modules[code]
            telephony = module["integrations"]["telephony"]
            url = telephony.get(field)
            if not url:
                raise AssertionError(f"the integration module '{code}' has no {field}")
            codes = {str(c["userId"]): str(c["code"]) for c in telephony.get("additionalCodes", [])}
            # retailCRM sends the module's clientId (top-level in the current layout) with every callback.
            params = {"clientId": client_id if client_id is not None else str(client_id_of(module)),
                      "code": codes.get(str(user_id), ""), "userId": str(user_id)}
            phones = telephony.get("externalPhones") or []
            if phones:
                params["externalPhone"] = phones[0]["externalPhone"]
        return str(url), params
