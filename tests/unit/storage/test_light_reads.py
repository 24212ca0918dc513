"""Reading history (`ringside history`) needs neither pydantic nor asyncio: they cost more to import
than the whole command is allowed to take."""

import subprocess
import sys

CODE = """
import sys
from app.storage.db import Database
db = Database(sys.argv[1])
db.recent_calls(20)
db.close()
heavy = sorted(m for m in ("pydantic", "asyncio", "phonenumbers", "app.core.models") if m in sys.modules)
print(",".join(heavy))
"""


def test_history_reads_without_pydantic(tmp_path):
    out = subprocess.run([sys.executable, "-c", CODE, str(tmp_path / "ringside.db")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
