"""Every path of a case through the real services, end to end."""

import pytest

from tests.disputes.factories import PATHS, dispute, fresh


@pytest.mark.parametrize("state", list(PATHS))
def test_each_state_is_reached_through_the_services(w, state):
    d = dispute(w, state)
    assert fresh(d).events.filter(action="file").count() == 1
