"""Each world (an application in one state, a listing and deal in one state, the assets) is made once and kept
for all its cases inside a transaction rolled back after them: the test modules' `world` fixtures are
module-scoped and parametrised, so pytest runs the cases of one world together. Each case runs in savepoints
of its own (pytest-django's and `people.request_as`'s), so an allowed action never changes the next case's
world. Celery and search hooks wait for a commit that never comes."""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="session")
def kept_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """`with kept_world(): world = build(…); yield world`: the world's rows live until the block ends."""

    @contextmanager
    def keep():
        media = tmp_path_factory.mktemp("media")
        with (
            django_db_blocker.unblock(),
            override_settings(PRIVATE_MEDIA_ROOT=media / "private", MEDIA_ROOT=media / "public"),
            transaction.atomic(),
        ):
            yield
            transaction.set_rollback(True)

    return keep
