"""Golden requests for FixDigital. No public reference exists beyond the integration questionnaire (seed
003), so the goldens are its own examples, verbatim but for the address:

    https://testcall.crm.fixdigital.co.il/webservice.php?operation=incomingCall&sExt=777&sNumber=033004799&ClientId=10
    https://testcall.crm.fixdigital.co.il/webservice.php?operation=incomingCallAnswered&sExt=777&sNumber=033004799&ClientId=10

GET, the four parameters in the query with this casing, `sNumber` in national digits (no '+'). The
questionnaire fixes no headers and no answer beyond {"success":true,"result":[]}.
"""

from __future__ import annotations

from tests.contract.shape import Golden

SEED = "seed 003 (FixDigital integration questionnaire): webservice.php examples"

INCOMING_CALL = Golden("incomingCall", "GET", r"/webservice.php", SEED,
                       query={"operation": "incomingCall", "sExt": "777", "sNumber": "033004799", "ClientId": "10"},
                       fixed=frozenset({"operation"}))
INCOMING_CALL_ANSWERED = Golden(
    "incomingCallAnswered", "GET", r"/webservice.php", SEED,
    query={"operation": "incomingCallAnswered", "sExt": "777", "sNumber": "033004799", "ClientId": "10"},
    fixed=frozenset({"operation"}))

ALL = (INCOMING_CALL, INCOMING_CALL_ANSWERED)
NATIONAL_DIGITS = r"0\d{5,14}"  # the seed's 033004799: national format, digits only
