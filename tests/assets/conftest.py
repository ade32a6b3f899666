# The financing fixtures (`parties`, `programme`, `make_app`) put an asset in a pledge-loan application.
from tests.financing.conftest import make_app, parties, programme  # noqa: F401
