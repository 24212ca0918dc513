"""Puzzel Contact Centre emulator: sign-in (`/api/Authenticate/LogIn`, `/GetAccessToken`) and the
click-to-call API (`/ContactCentre5/accesstokeninformation`, the user's state, `…/callout`).

At least as strict as Puzzel's published API: request bodies must be JSON with
exactly the documented keys and types; every ContactCentre5 call needs `Authorization: Bearer` with a
live access token, and a token only reaches its own customer and user; a callout needs a
destination of digits (an optional leading '+') and a user who is logged on. A user with two-factor
sign-in gets `twoFactorRequired: true` and no token, as the real service answers. Where the seed
says nothing (error bodies, the refresh call's answer, the callout's result [U]) the emulator takes
the stricter or plainer reading: errors are `{result: null, code, id, message}` with a 4xx status.
One server serves both hosts (auth.puzzel.com and api.puzzel.com); the routes don't overlap.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from app.sandbox.control import mount_control
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal
from app.sandbox.puzzel.models import CalloutIn, GetAccessTokenIn, LogInIn

DEMO_CUSTOMER_KEY = "12345"
DEMO_USER = "alex.morgan"
DEMO_PASSWORD = "demo-puzzel-password"  # the emulator's own, not a real credential
TWO_FACTOR_USER = "sam.lee"  # a user whose sign-in asks for a second step
LOGGED_ON, LOGGED_OFF = "LoggedOn", "LoggedOff"
AVAILABLE = "Available"
M = TypeVar("M", bound=BaseModel)


@dataclass
class PuzzelUser:
    customer_key: str
    user_id: int
    username: str
    password: str
    first_name: str
    last_name: str
    phone: str  # the agent's own phone, which Puzzel rings first on a callout
    two_factor: bool = False
    contact_centre_status: str = LOGGED_ON  # "LoggedOn" | "LoggedOff"
    user_status: str = AVAILABLE  # "Available" | "Busy" | "Pause" | "WrapUp" | …


def default_users() -> list[PuzzelUser]:
    return [
        PuzzelUser(DEMO_CUSTOMER_KEY, 1231234, DEMO_USER, DEMO_PASSWORD, "Alex", "Morgan", "+61255500250"),
        PuzzelUser(DEMO_CUSTOMER_KEY, 1231235, TWO_FACTOR_USER, "two-factor-password", "Sam", "Lee",
                   "+61255500251", two_factor=True),
    ]


@dataclass
class _Session:
    username: str
    expires_at: float


@dataclass
class _Access:
    customer_key: str
    username: str
    session_id: str
    expires_at: float


def _error(status: int, message: str, code: int | None = None) -> web.Response:
    return web.json_response({"result": None, "code": code if code is not None else status, "id": None,
                              "message": message}, status=status)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class PuzzelSandbox:
    """Emulates auth.puzzel.com and api.puzzel.com. State survives `make_app()` calls; the test
    controls are thread-safe (the app runs on the sandbox's own loop)."""

    def __init__(
        self,
        users: list[PuzzelUser] | None = None,
        *,
        access_ttl_s: float = 1800,
        session_ttl_s: float = 12 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.users = {(u.customer_key, u.username): u for u in (users if users is not None else default_users())}
        self.access_ttl_s = access_ttl_s
        self.session_ttl_s = session_ttl_s
        self._clock = clock
        self.journal = Journal()
        for user in self.users.values():
            self.journal.add_secret(user.password)
        self.faults = Faults(error_body=lambda status: {"result": None, "code": status, "id": None,
                                                        "message": f"Injected fault: HTTP {status}."})
        self._lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._access: dict[str, _Access] = {}
        self._callouts: list[dict[str, Any]] = []
        self._callout_ids = itertools.count(5001)
        self.login_count = 0
        self.refresh_count = 0

    # --- test controls (any thread) ---------------------------------------------------------------

    def user(self, username: str, customer_key: str = DEMO_CUSTOMER_KEY) -> PuzzelUser:
        return self.users[(customer_key, username)]

    def set_status(self, username: str, *, contact_centre: str | None = None, user_status: str | None = None,
                   customer_key: str = DEMO_CUSTOMER_KEY) -> None:
        """Log the user on or off ("LoggedOn" / "LoggedOff") or set their status ("Busy", …)."""
        with self._lock:
            user = self.users[(customer_key, username)]
            if contact_centre is not None:
                user.contact_centre_status = contact_centre
            if user_status is not None:
                user.user_status = user_status

    def expire_access_tokens(self) -> None:
        """Every access token stops working (sessions stay, so GetAccessToken still works)."""
        with self._lock:
            self._access.clear()

    def end_sessions(self) -> None:
        """Sign everyone out: tokens and sessions are gone; only LogIn helps."""
        with self._lock:
            self._access.clear()
            self._sessions.clear()

    def callouts(self) -> list[dict[str, Any]]:
        """{customerKey, userId, id, body} for each accepted callout, oldest first."""
        with self._lock:
            return copy.deepcopy(self._callouts)

    # --- app --------------------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        instrument(app, self.journal, self.faults)
        mount_control(app, self.journal, self.faults)
        app.router.add_post("/api/Authenticate/LogIn", self._log_in)
        app.router.add_post("/api/Authenticate/GetAccessToken", self._get_access_token)
        app.router.add_get("/ContactCentre5/accesstokeninformation", self._token_information)
        app.router.add_get("/ContactCentre5/{customer_key}/users/{user_id}", self._user_state)
        app.router.add_post("/ContactCentre5/{customer_key}/users/{user_id}/callout", self._callout)
        return app

    # --- sign-in ----------------------------------------------------------------------------------

    async def _log_in(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request, LogInIn)
        if isinstance(body, web.Response):
            return body
        with self._lock:
            self.login_count += 1
            user = self.users.get((body.customerKey, body.userName))
            if user is None or not secrets.compare_digest(user.password.encode(), body.password.encode()):
                return _error(401, "Invalid customer key, user name or password.")
            if user.two_factor:
                return web.json_response({
                    "accessToken": None, "refreshToken": None, "languageCode": "EN", "twoFactorRequired": True,
                    "twoFactor": {"method": "Sms", "destination": "+61 4** *** *06"},
                    "logoutFromExternalIdentityProvider": False,
                })
            session_id = secrets.token_hex(16)
            self._sessions[session_id] = _Session(user.username, self._clock() + self.session_ttl_s)
            return web.json_response(self._tokens(user, session_id))

    async def _get_access_token(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request, GetAccessTokenIn)
        if isinstance(body, web.Response):
            return body
        with self._lock:
            session = self._sessions.get(body.sessionId)
            if session is None or session.expires_at <= self._clock():
                self._sessions.pop(body.sessionId, None)
                return _error(401, "The session has expired; log in again.")
            user = self.users.get((body.customerKey, session.username))
            if user is None:
                return _error(401, "The session does not belong to that customer.")
            self.refresh_count += 1
            return web.json_response(self._tokens(user, body.sessionId))

    def _tokens(self, user: PuzzelUser, session_id: str) -> dict[str, Any]:
        """A LogIn answer as in the seed; GetAccessToken answers the same shape [U]. Lock held."""
        token = "eyJh" + secrets.token_urlsafe(32)
        self._access[token] = _Access(user.customer_key, user.username, session_id, self._clock() + self.access_ttl_s)
        self.journal.add_secret(token)
        self.journal.add_secret(session_id)
        expiry = datetime.fromtimestamp(self._sessions[session_id].expires_at, UTC)
        return {
            "accessToken": token,
            "refreshToken": {"customerKey": user.customer_key, "sessionId": session_id,
                             "expiryDate": expiry.replace(tzinfo=None).isoformat(timespec="milliseconds")},
            "languageCode": "EN",
            "twoFactorRequired": False,
            "twoFactor": None,
            "logoutFromExternalIdentityProvider": False,
        }

    # --- ContactCentre5 ---------------------------------------------------------------------------

    def _caller(self, request: web.Request) -> tuple[PuzzelUser, _Access] | web.Response:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token:
            return _error(401, "Authorization has been denied for this request.")
        with self._lock:
            access = self._access.get(token.strip())
            if access is None or access.expires_at <= self._clock():
                return _error(401, "Authorization has been denied for this request.")
            user = self.users.get((access.customer_key, access.username))
            if user is None or access.session_id not in self._sessions:  # signed out since
                return _error(401, "Authorization has been denied for this request.")
            return user, access

    def _own(self, request: web.Request) -> PuzzelUser | web.Response:
        """The signed-in user, if the path names that very customer and user."""
        caller = self._caller(request)
        if isinstance(caller, web.Response):
            return caller
        user, _ = caller
        customer_key, user_id = request.match_info["customer_key"], request.match_info["user_id"]
        if not user_id.isdigit():
            return _error(400, f"'{user_id}' is not a user id.")
        if customer_key != user.customer_key:
            return _error(403, "The access token does not give access to that customer.")
        if int(user_id) != user.user_id:
            known = any(u.customer_key == customer_key and u.user_id == int(user_id) for u in self.users.values())
            return _error(403 if known else 404, "Access to that user is denied." if known else "User not found.")
        return user

    async def _token_information(self, request: web.Request) -> web.StreamResponse:
        caller = self._caller(request)
        if isinstance(caller, web.Response):
            return caller
        user, access = caller
        return web.json_response({"result": {
            "customerKey": user.customer_key, "customerId": 90001, "userGroupId": 12, "userId": user.user_id,
            "languageId": 1, "languageCode": "EN", "passwordValidDaysLeft": 80,
            "accessTokenExpiry": _iso(access.expires_at),
        }, "code": 0, "id": None, "message": None})

    async def _user_state(self, request: web.Request) -> web.StreamResponse:
        user = self._own(request)
        if isinstance(user, web.Response):
            return user
        with self._lock:
            state = (user.contact_centre_status, user.user_status)
        now = datetime.now(UTC)
        return web.json_response({"result": {
            "userGroupName": "Recruiters", "profileName": "Phone", "chatState": "Undefined", "currentProfileId": 3,
            "contactCentreStatus": state[0], "sessionTime": (now - timedelta(minutes=42)).isoformat(),
            "joined": state[0] == LOGGED_ON, "userStatus": state[1], "pauseTypeId": 0, "languageId": 1,
            "profiles": [{"id": 3, "number": 1, "lastPhoneNumber": user.phone, "phoneNumber": user.phone,
                          "phoneType": "Mobile", "name": "Phone", "groupProfile": True, "qualities": []}],
            "chatCapacityMaxParallel": 0, "chatPhoneThreshold": 0, "chatConnected": 0, "chatConnecting": False,
            "eMail": f"{user.username}@agency.example", "mobilePhone": user.phone, "id": user.user_id,
            "groupId": 12, "number": str(user.user_id)[-4:], "firstName": user.first_name,
            "lastName": user.last_name, "name": f"{user.first_name} {user.last_name}", "userName": user.username,
        }, "code": 0, "id": None, "message": None})

    async def _callout(self, request: web.Request) -> web.StreamResponse:
        user = self._own(request)
        if isinstance(user, web.Response):
            return user
        body = await self._body(request, CalloutIn)
        if isinstance(body, web.Response):
            return body
        with self._lock:
            if user.contact_centre_status != LOGGED_ON:
                return _error(400, "The user is not logged on to the contact centre.", code=1001)
            callout_id = next(self._callout_ids)
            self._callouts.append({"customerKey": user.customer_key, "userId": user.user_id, "id": callout_id,
                                   "body": body.model_dump(exclude_unset=True)})
        return web.json_response({"result": callout_id, "code": 0, "id": None, "message": None})

    # --- helpers ----------------------------------------------------------------------------------

    @staticmethod
    async def _body(request: web.Request, model: type[M]) -> M | web.Response:
        if request.content_type != "application/json":
            return _error(415, "The request body must be JSON (Content-Type: application/json).")
        try:
            return model.model_validate_json(await request.read())
        except ValidationError as exc:
            fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:5])
            return _error(400, f"The request is invalid: {fields}.")
