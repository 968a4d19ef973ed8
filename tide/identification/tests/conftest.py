import pytest


@pytest.fixture(autouse=True)
def _shipped_definitions(request):
    """Transactional tests elsewhere flush what the migration installed; put the shipped definitions back."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db" if not _transactional(request) else "transactional_db")
    request.getfixturevalue("area")  # definitions belong to an area (ADR 0007): the shared test area holds them
    from tide.identification.services import definitions_install_shipped

    definitions_install_shipped(actor=None)


def _transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return bool(marker.kwargs.get("transaction")) if marker else False
