import pytest

from tests import processes


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected once per test session, as the image build does, for production-mode processes."""
    return processes.collect_static(tmp_path_factory.mktemp("static"))
