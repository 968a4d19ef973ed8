import pytest

from tide.messages.tests.servers import API_KEY, NotifyServer, SmtpServer


@pytest.fixture
def smtp_server(settings):
    with SmtpServer() as server:
        settings.TIDE_MESSAGES_BACKEND = "smtp"
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # pytest-django swaps in locmem
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.TIDE_MESSAGES_RETRY_SECONDS = 0
        yield server


@pytest.fixture
def notify_server(settings):
    with NotifyServer() as server:
        settings.TIDE_MESSAGES_BACKEND = "notify"
        settings.TIDE_NOTIFY_API_KEY = API_KEY
        settings.TIDE_NOTIFY_BASE_URL = server.url
        settings.TIDE_NOTIFY_TEMPLATE_EMAIL = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        settings.TIDE_NOTIFY_TEMPLATE_SMS = "c1a2b3c4-0000-4000-8000-000000000005"
        settings.TIDE_NOTIFY_TEMPLATES = {}
        settings.TIDE_MESSAGES_RETRY_SECONDS = 0
        yield server


@pytest.fixture(autouse=True)
def _no_waiting(settings):
    settings.TIDE_MESSAGES_RETRY_SECONDS = 0
