"""Golden requests for retailCRM API v5, transcribed from retailCRM's own public API clients.

PHP = github.com/retailcrm/api-client-php, PY = github.com/retailcrm/api-client-python,
GO = github.com/retailcrm/api-client-go. Every request carries the key in `X-API-KEY` (PY
retailcrm/versions/base.py: get/post send `headers={'X-API-KEY': ...}`); POST bodies are forms with
nested objects as JSON strings in one field (PY base.py `requests.post(..., data=self.parameters)`,
PY v5.py `self.parameters['event'] = json.dumps(event)` and the like). Sample values are the
emulator's demo data.
"""

from __future__ import annotations

from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, DEMO_SITE, RECRUITER_CODE, RECRUITER_ID
from tests.contract.shape import Golden

KEY = {"X-API-KEY": r".+"}
DATE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"  # PHP Call.php: DateTime<'Y-m-d H:i:s'>
PHONE = "+61491570006"

# PHP src/ResourceGroup/Telephony.php (manager(): GET "/api/v5/telephony/manager", the example sets
# details and ignoreStatus to NumericBoolean::TRUE) and src/Model/Request/Telephony/TelephonyManagerRequest.php
# (phone, details, ignoreStatus); PY retailcrm/versions/v5.py telephony_manager(phone, details, ignore_status).
MANAGER = Golden(
    "telephony manager", "GET", r"/api/v5/telephony/manager",
    "retailcrm/api-client-php src/Model/Request/Telephony/TelephonyManagerRequest.php",
    query={"phone": PHONE, "details": "1", "ignoreStatus": "1"}, fixed=frozenset({"details", "ignoreStatus"}),
    headers=KEY)

# PY retailcrm/versions/v5.py customers(filters, limit=20, page=1): GET /customers with filter[...], limit,
# page; GO filters.go CustomersFilter.Name `url:"name"` (so filter[name]).
CUSTOMERS = Golden(
    "customer search", "GET", r"/api/v5/customers", "retailcrm/api-client-python retailcrm/versions/v5.py",
    query={"filter[name]": "491570006", "limit": "20", "page": "1"}, headers=KEY)

# PY retailcrm/versions/v5.py customer_note_create(note, site): POST /customers/notes/create, note= JSON,
# site= optional; PHP src/Model/Entity/Customers/CustomerNote.php (customer, managerId int, text).
NOTE = Golden(
    "customer note", "POST", r"/api/v5/customers/notes/create",
    "retailcrm/api-client-python retailcrm/versions/v5.py; retailcrm/api-client-php CustomerNote.php",
    form={"note": {"text": "Called back", "customer": {"id": 2101}, "managerId": RECRUITER_ID}, "site": DEMO_SITE},
    json_fields=frozenset({"note"}), headers=KEY)

# PHP src/ResourceGroup/Telephony.php (callEvent(): POST "/api/v5/telephony/call/event") with
# src/Model/Entity/Telephony/CallEvent.php (phone, type, codes string[], userIds int[], site, hangupStatus,
# externalPhone, callExternalId), src/Enum/Telephony/CallEventType.php, CallEventHangupStatus.php;
# PY v5.py telephony_call_event(event): only `event=`.
EVENT = Golden(
    "call event", "POST", r"/api/v5/telephony/call/event",
    "retailcrm/api-client-php src/Model/Entity/Telephony/CallEvent.php",
    form={"event": {"phone": PHONE, "type": "hangup", "codes": [RECRUITER_CODE], "userIds": [RECRUITER_ID],
                    "site": DEMO_SITE, "hangupStatus": "answered", "externalPhone": "+61255500250",
                    "callExternalId": "golden-1"}},
    json_fields=frozenset({"event"}),
    enums={"event.type": frozenset({"in", "out", "hangup"}),
           "event.hangupStatus": frozenset({"answered", "busy", "cancel", "failed", "no answered"})},
    headers=KEY)

# PHP src/ResourceGroup/Telephony.php (callsUpload(): POST "/api/v5/telephony/calls/upload") with
# src/Model/Entity/Telephony/Call.php (date 'Y-m-d H:i:s', type, phone, code, userId int, result, duration int,
# durationWaiting int, externalId, recordUrl, externalPhone, site, clientId) and src/Enum/Telephony/CallResult.php;
# PY v5.py telephony_calls_upload(calls): only `calls=`.
UPLOAD = Golden(
    "calls upload", "POST", r"/api/v5/telephony/calls/upload",
    "retailcrm/api-client-php src/Model/Entity/Telephony/Call.php",
    form={"calls": [{"date": "2024-05-01 14:03:00", "type": "in", "phone": PHONE, "code": RECRUITER_CODE,
                     "userId": RECRUITER_ID, "result": "answered", "duration": 60, "durationWaiting": 5,
                     "externalId": "golden-1", "recordUrl": "https://ringside.example.test/recordings/abc",
                     "externalPhone": "+61255500250", "site": DEMO_SITE, "clientId": DEMO_CLIENT_ID}]},
    json_fields=frozenset({"calls"}),
    enums={"calls[].type": frozenset({"in", "out"}),
           "calls[].result": frozenset({"answered", "busy", "failed", "no answer", "not allowed", "unknown"})},
    dates={"calls[].date": DATE}, headers=KEY)

# PHP src/Model/Entity/Integration/IntegrationModule.php (code, active, name, logo, clientId, accountUrl,
# integrations; clientId is top-level) and Integration/Telephony/TelephonyConfiguration.php (makeCallUrl,
# allowEdit, input/output/hangupEventSupported, changeUserStatusUrl, additionalCodes, externalPhones; no
# clientId); GO types.go IntegrationModule, Telephony, AdditionalCode{code, userId string}, ExternalPhone;
# PY v5.py integration_module_edit(configuration): POST /integration-modules/{code}/edit, integrationModule=.
MODULE_EDIT = Golden(
    "integration module edit", "POST", r"/api/v5/integration-modules/[\w-]+/edit",
    "retailcrm/api-client-php src/Model/Entity/Integration/IntegrationModule.php",
    form={"integrationModule": {
        "code": "ringside", "active": True, "name": "Ringside", "logo": "https://ringside.example.test/ringside.svg",
        "clientId": DEMO_CLIENT_ID, "accountUrl": "https://ringside.example.test",
        "integrations": {"telephony": {
            "makeCallUrl": "https://ringside.example.test/retailcrm/make-call",
            "changeUserStatusUrl": "https://ringside.example.test/retailcrm/user-status", "allowEdit": False,
            "inputEventSupported": True, "outputEventSupported": True, "hangupEventSupported": True,
            "additionalCodes": [{"userId": str(RECRUITER_ID), "code": RECRUITER_CODE}],
            "externalPhones": [{"siteCode": DEMO_SITE, "externalPhone": "+61255500250"}]}}}},
    json_fields=frozenset({"integrationModule"}), headers=KEY)

# PY retailcrm/versions/v5.py integration_module(code): GET /integration-modules/{code}.
MODULE_GET = Golden("integration module", "GET", r"/api/v5/integration-modules/[\w-]+",
                    "retailcrm/api-client-python retailcrm/versions/v5.py", headers=KEY)

# PY retailcrm/versions/v5.py user(uid): GET /users/{uid}.
USER = Golden("user", "GET", r"/api/v5/users/\d+", "retailcrm/api-client-python retailcrm/versions/v5.py",
              headers=KEY)

# PY retailcrm/versions/v5.py sites(): GET /reference/sites.
SITES = Golden("sites", "GET", r"/api/v5/reference/sites", "retailcrm/api-client-python retailcrm/versions/v5.py",
               headers=KEY)

ALL = (MANAGER, CUSTOMERS, NOTE, EVENT, UPLOAD, MODULE_EDIT, MODULE_GET, USER, SITES)
