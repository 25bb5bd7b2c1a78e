import pytest

from tests.support.servers import LiveSite


@pytest.fixture(scope="session")
def live_site():
    """One real pufa server with the demo data, shared by the tests that need one."""
    site = LiveSite().prepare().start()
    yield site
    site.close()


@pytest.fixture
def fresh_in_memory_layer(settings):
    """An empty in-memory channel layer for the test (it is a process singleton)."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
