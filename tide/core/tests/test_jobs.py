import pytest

from tide.core import jobs
from tide.core.models import Job


@pytest.fixture(autouse=True)
def handlers():
    def ok(job, progress):
        progress(0.5, "half way")
        return {"answer": job.params["n"] * 2}

    def boom(job, progress):
        raise RuntimeError("the file could not be read")

    def cancels(job, progress):
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        progress(0.1, "checking")
        return {}

    jobs.register("test.ok", ok)
    jobs.register("test.boom", boom)
    jobs.register("test.cancels", cancels)


def test_a_job_records_its_result(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.ok", params={"n": 21}, actor=coordinator)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"answer": 42}
    assert job.progress == 1.0


def test_a_failing_job_is_recorded_as_failed_with_its_message(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.boom", params={}, actor=coordinator)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "the file could not be read"


def test_a_cancelled_job_stops_at_its_next_progress_report(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.cancels", params={}, actor=coordinator)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_unknown_job_kind_is_refused(coordinator):
    with pytest.raises(ValueError, match="no handler"):
        jobs.job_enqueue(kind="test.nope", params={}, actor=coordinator)


def test_job_page_is_only_for_its_owner(client, coordinator, area):
    from tide.testing.fixtures import make_user

    job = Job.objects.create(kind="test.ok", created_by=coordinator)
    other = make_user(area, "practitioner")
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 403
    client.force_login(coordinator)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 200
    assert b"Queued" in response.content
