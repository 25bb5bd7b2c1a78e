import pytest

from tests.support.servers import LiveSite


@pytest.fixture(scope="session")
def live_site():
    """One real pufa server with the demo data, shared by the tests that need one."""
    site = LiveSite().prepare().start()
    yield site
    site.close()
