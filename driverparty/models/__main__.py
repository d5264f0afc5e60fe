"""``python -m driverparty.models``: print ``schema.json``, the models' description that fast
paths read instead of importing pydantic (``make schema`` writes it; see driverparty.schema)."""

import json
import sys

from driverparty.models import described
from driverparty.schema import describe

sys.stdout.write(json.dumps(describe(described()), ensure_ascii=False, indent=1) + "\n")
