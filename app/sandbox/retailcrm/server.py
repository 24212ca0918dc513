"""retailCRM API v5 emulator: the telephony methods, customer search, notes and integration modules,
served from the shared demo data (the people marked "retailcrm" are its customers).

At least as strict as retailCRM's published API v5 reference: every /api/v5 call
needs the API key (`X-API-KEY` or `apiKey`; missing or wrong → 403 as retailCRM answers); POST bodies
must be form-urlencoded, with nested objects as JSON strings in one field (a JSON body is refused);
fields are typed strictly (models.py); at most 50 calls per upload; `limit` ∈ 20, 50, 100,
250; an upload's `externalId` already seen comes back in `duplicateCalls` and is not stored twice.
Errors are `{success: false, errorMsg, errors}`. The "Telephony" methods need an active telephony
integration module (the demo's is registered from the start, as an installed integration would be).

It also plays retailCRM's side of the callbacks: `make_call()` and `change_status()` send what
retailCRM sends to the registered makeCallUrl / changeUserStatusUrl. Request plumbing lives in
http.py, integration modules in integrations.py, data in store.py.
"""

from __future__ import annotations

import copy
import html
import itertools
import threading
from typing import Any

import httpx
from aiohttp import web

from app.sandbox.control import mount_control
from app.sandbox.demo_data import DemoData, DemoPerson, load_demo
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal
from app.sandbox.retailcrm import models as m
from app.sandbox.retailcrm.http import API, api_key_middleware, error, invalid, json_field, undocumented_fields
from app.sandbox.retailcrm.integrations import Integrations
from app.sandbox.retailcrm.limits import Buckets, limit_middleware
from app.sandbox.retailcrm.store import (
    DEMO_CLIENT_ID,
    DEMO_MODULE,
    DEMO_SITE,
    LAST_ORDERS,
    RECRUITER_ID,
    customer_json,
    default_users,
    digits,
    matches,
    same_phone,
)

DEMO_API_KEY = "rcDemo-5kV8qLw2ZtN4"  # the emulator's own, not a real key


class RetailCrmSandbox:
    """Emulates https://{account}.retailcrm.ru. Test controls are thread-safe."""

    def __init__(self, data: DemoData | None = None, *, api_keys: tuple[str, ...] = (DEMO_API_KEY,),
                 registered: bool = True, client_id: str = DEMO_CLIENT_ID, module_layout: str = "current",
                 rate_limits: bool = True) -> None:
        self.data = data if data is not None else load_demo()
        self.api_keys = api_keys
        self.journal = Journal(extra_secret_keys={"apikey"})
        for key in api_keys:
            self.journal.add_secret(key)
        self.faults = Faults(error_body=lambda status: {"success": False, "errorMsg": f"Injected fault: HTTP {status}"})
        self.users = {u.id: u for u in default_users()}
        self.sites = {DEMO_SITE: {"code": DEMO_SITE, "name": "Agency shop"}}
        self._lock = threading.Lock()
        self.module_layout = module_layout  # where this account wants the module's clientId (models.layout_problems)
        self.integrations = Integrations(registered=registered, client_id=client_id, layout=module_layout)
        self.buckets = Buckets() if rate_limits else None
        self._events: list[dict[str, Any]] = []
        self._calls: dict[str, dict[str, Any]] = {}
        self._batches: list[int] = []
        self._notes: list[dict[str, Any]] = []
        self._note_ids = itertools.count(7001)
        self._anonymous_calls = itertools.count(1)

    # --- data -----------------------------------------------------------------------------------

    def customers(self) -> list[DemoPerson]:
        return self.data.in_crm("retailcrm")

    def _by_id(self, customer_id: int) -> DemoPerson | None:
        return next((p for p in self.customers() if p.retailcrm_id == customer_id), None)

    # --- test controls (any thread) -----------------------------------------------------------------

    def events(self) -> list[dict[str, Any]]:
        """Accepted call events, oldest first: {"event": {…}}."""
        with self._lock:
            return copy.deepcopy(self._events)

    def calls(self) -> list[dict[str, Any]]:
        """Calls in the history (each stored once), oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._calls.values()))

    def upload_batches(self) -> list[int]:
        """How many calls each accepted upload request carried."""
        with self._lock:
            return list(self._batches)

    def notes(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._notes)

    def module(self, code: str = DEMO_MODULE) -> dict[str, Any] | None:
        return self.integrations.get(code)

    def set_status(self, user_id: int, status: str) -> None:
        with self._lock:
            self.users[user_id].status = status

    # --- retailCRM's side of the callbacks (any loop; they go to Ringside's callback server) --------------

    async def make_call(self, phone: str, *, user_id: int = RECRUITER_ID, module: str = DEMO_MODULE,
                        client_id: str | None = None) -> httpx.Response:
        """What a click on a phone icon sends: GET makeCallUrl?clientId&code&phone&userId(&externalPhone)."""
        url, params = self.integrations.callback(module, "makeCallUrl", user_id, client_id)
        params["phone"] = phone
        async with httpx.AsyncClient(timeout=20) as client:
            return await client.get(url, params=params)

    async def change_status(self, status: str, *, user_id: int = RECRUITER_ID, module: str = DEMO_MODULE,
                            client_id: str | None = None) -> httpx.Response:
        """What a user's status change sends: GET changeUserStatusUrl?clientId&userId&code&status."""
        self.set_status(user_id, status)
        url, params = self.integrations.callback(module, "changeUserStatusUrl", user_id, client_id)
        params["status"] = status
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.get(url, params=params)

    # --- app ----------------------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application()
        instrument(app, self.journal, self.faults)
        mount_control(app, self.journal, self.faults)
        app.middlewares.append(api_key_middleware(self.api_keys))
        if self.buckets is not None:
            app.middlewares.append(limit_middleware(self.buckets))
        routes = [
            ("GET", "/telephony/manager", self._manager),
            ("GET", "/customers", self._search),
            ("POST", "/customers/notes/create", self._create_note),
            ("POST", "/telephony/call/event", self._event),
            ("POST", "/telephony/calls/upload", self._upload),
            ("POST", "/integration-modules/{code}/edit", self._edit_module),
            ("GET", "/integration-modules/{code}", self._get_module),
            ("GET", "/users/{user_id}", self._user),
            ("GET", "/reference/sites", self._sites),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API + path, handler)
        for path in ("/customers/{id}", "/customers/add", "/orders/{id}/edit", "/orders/add"):
            app.router.add_get(path, self._web_page)
        return app

    def _telephony_for(self, client_id: object) -> dict[str, Any] | web.Response:
        """The active telephony integration (the one with `client_id` when given), or the refusal."""
        wanted = client_id if isinstance(client_id, str) else None
        telephony = self.integrations.telephony(wanted)
        if telephony is not None:
            return telephony
        what = f"with clientId '{wanted}'" if wanted else "that is active"
        return error(f"There is no telephony integration {what}.", 400)

    # --- lookup -------------------------------------------------------------------------------------

    async def _manager(self, request: web.Request) -> web.StreamResponse:
        phone = request.query.get("phone", "")
        details = request.query.get("details", "0")
        ignore_status = request.query.get("ignoreStatus", "0")
        if not phone:
            return invalid({"phone": "Parameter 'phone' is missing."})
        for name, value in (("details", details), ("ignoreStatus", ignore_status)):
            if value not in ("0", "1", "true", "false"):
                return invalid({name: "Must be 0 or 1."})
        base = f"{request.scheme}://{request.host}"
        # [U] With several customers on one number the method can't pick one: it returns none, and
        # the client searches customers instead.
        found = [p for p in self.customers() if any(same_phone(phone, n) for n in p.numbers)]
        person = found[0] if len(found) == 1 else None
        answer: dict[str, Any] = {"success": True}
        with self._lock:
            customer = customer_json(person) if person is not None else None
            manager = (self._manager_of(customer["managerId"], ignore_status in ("1", "true"))
                       if customer else None)
        if manager is not None:
            answer["manager"] = manager
        if details in ("1", "true"):
            if customer is not None:
                answer["customer"] = customer
                links = {"customerLink": f"{base}/customers/{customer['id']}",
                         "newOrderLink": f"{base}/orders/add?customerId={customer['id']}"}
                if customer["id"] in LAST_ORDERS:
                    links["lastOrderLink"] = f"{base}/orders/{LAST_ORDERS[customer['id']]}/edit"
                answer["links"] = links
            else:
                answer["links"] = {"newCustomerLink": f"{base}/customers/add?phone={digits(phone)}"}
        return web.json_response(answer)

    def _manager_of(self, user_id: int, ignore_status: bool) -> dict[str, Any] | None:
        """Per the seed: only a manager who is free and has an extension code is returned; with
        `ignoreStatus` (api-client-php TelephonyManagerRequest) whatever their status."""
        user = self.users.get(user_id)
        if user is None or not user.active or (user.status != "free" and not ignore_status):
            return None
        code = self.integrations.code_of(user_id)
        if code is None:
            return None
        return {"id": user.id, "firstName": user.first_name, "lastName": user.last_name, "email": user.email,
                "code": code}

    async def _search(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        try:
            limit = int(query.get("limit", "20"))
            page = int(query.get("page", "1"))
        except ValueError:
            return invalid({"limit": "This value should be an integer."})
        if limit not in m.SEARCH_LIMITS:
            return invalid(
                {"limit": f"This value should be one of {', '.join(map(str, m.SEARCH_LIMITS))}."})
        if page < 1:
            return invalid({"page": "This value should be 1 or more."})
        text = query.get("filter[name]", "").strip()
        found = [p for p in self.customers() if not text or matches(p, text)]
        with self._lock:
            rows = [customer_json(p) for p in found[(page - 1) * limit: page * limit]]
        pages = max(1, -(-len(found) // limit))
        return web.json_response({"success": True, "pagination": {
            "limit": limit, "totalCount": len(found), "currentPage": page, "totalPageCount": pages},
            "customers": rows})

    # --- notes --------------------------------------------------------------------------------------

    async def _create_note(self, request: web.Request) -> web.StreamResponse:
        note = await json_field(request, "note", m.NoteIn)
        if isinstance(note, web.Response):
            return note
        assert isinstance(note, m.NoteIn)
        person = self._by_id(note.customer.id) if note.customer.id is not None else None
        if person is None:
            return invalid({"note[customer]": "Customer not found."})
        if note.managerId is not None and note.managerId not in self.users:
            return invalid({"note[managerId]": "User not found."})
        site = (await request.post()).get("site")
        if site is not None and site not in self.sites:
            return invalid({"site": f"Unknown site {site!r}."})
        with self._lock:
            note_id = next(self._note_ids)
            self._notes.append({"id": note_id, **note.model_dump(exclude_none=True)})
        return web.json_response({"success": True, "id": note_id}, status=201)

    # --- telephony ----------------------------------------------------------------------------------

    async def _event(self, request: web.Request) -> web.StreamResponse:
        event = await json_field(request, "event", m.EventIn)
        if isinstance(event, web.Response):
            return event
        assert isinstance(event, m.EventIn)
        extra = await undocumented_fields(request, "event")
        if extra is not None:
            return extra
        if event.site is not None and event.site not in self.sites:
            return invalid({"event[site]": f"Unknown site '{event.site}'."})
        telephony = self._telephony_for(None)
        if isinstance(telephony, web.Response):
            return telephony
        known = {str(c["code"]) for c in telephony.get("additionalCodes", [])}
        missing_codes = [c for c in event.codes if c not in known]
        missing_users = [u for u in event.userIds if u not in self.users]
        with self._lock:
            self._events.append({"event": event.model_dump(exclude_none=True)})
        return web.json_response({"success": True, "notExistCodes": missing_codes, "notExistUsers": missing_users})

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        calls = await json_field(request, "calls")
        if isinstance(calls, web.Response):
            return calls
        if not isinstance(calls, list) or not calls:
            return invalid({"calls": "Must be a non-empty JSON array of calls."})
        if len(calls) > m.MAX_CALLS:
            return invalid(
                {"calls": f"At most {m.MAX_CALLS} calls per request (got {len(calls)})."})
        extra = await undocumented_fields(request, "calls")
        if extra is not None:
            return extra
        parsed = m.parse_calls(calls)
        if isinstance(parsed, dict):
            return invalid(parsed)
        telephony = self._telephony_for(next((c.clientId for c in parsed if c.clientId), None))
        if isinstance(telephony, web.Response):
            return telephony
        with self._lock:
            duplicates: list[str] = []
            for call in parsed:
                key = call.externalId or f"anonymous-{next(self._anonymous_calls)}"
                if key in self._calls:
                    duplicates.append(key)
                else:
                    self._calls[key] = call.model_dump(exclude_none=True)
            self._batches.append(len(parsed))
        return web.json_response({"success": True, "processedCallsCount": len(parsed) - len(duplicates),
                                  "duplicateCalls": duplicates})

    # --- integration modules -------------------------------------------------------------------------

    async def _edit_module(self, request: web.Request) -> web.StreamResponse:
        code = request.match_info["code"]
        module = await json_field(request, "integrationModule", m.ModuleIn)
        if isinstance(module, web.Response):
            return module
        assert isinstance(module, m.ModuleIn)
        if module.code != code:
            return invalid(
                {"integrationModule[code]": f"Must be the code in the address ('{code}')."})
        problems = (m.layout_problems(module, self.module_layout)
                    or m.module_problems(module, set(self.users), set(self.sites)))
        if problems:
            return invalid(problems)
        created = self.integrations.put(code, module.model_dump(exclude_none=True))
        return web.json_response({"success": True}, status=201 if created else 200)

    async def _get_module(self, request: web.Request) -> web.StreamResponse:
        module = self.integrations.get(request.match_info["code"])
        if module is None:
            return error("Not found", 404)
        return web.json_response({"success": True, "integrationModule": module})

    # --- users and sites (what an account check reads) -----------------------------------------------

    async def _user(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["user_id"]
        user = self.users.get(int(raw)) if raw.isdigit() else None
        if user is None:
            return error("Not found", 404)
        with self._lock:
            return web.json_response({"success": True, "user": user.json()})

    async def _sites(self, _: web.Request) -> web.StreamResponse:
        return web.json_response({"success": True, "sites": self.sites})

    # --- pages the links open ------------------------------------------------------------------------

    async def _web_page(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info.get("id", "")
        person = self._by_id(int(raw)) if request.path.startswith("/customers/") and raw.isdigit() else None
        return web_page(f"{person.full_name} — retailCRM customer {raw}" if person else f"retailCRM {request.path}")


def web_page(title: str) -> web.Response:
    """A page the card's links open: its title says what it is."""
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>retailCRM emulator.</p></body></html>")
    return web.Response(text=page, content_type="text/html")
