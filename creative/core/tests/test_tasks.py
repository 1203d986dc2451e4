"""Background tasks: enqueued only once the transaction commits, run by the real worker."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db
# Tests that run the worker commit for real: the worker manages its own transactions and
# connections (close_old_connections), which a test wrapped in a transaction would break.
worker_test = pytest.mark.django_db(transaction=True)
CONTEXT = {"sent_at": "28 novembre 2026 10:00", "host": "serveur-1"}


def test_tasks_use_the_database_queue():
    assert type(send_templated_mail_task.get_backend()).__name__ == "DatabaseBackend"
    assert send_templated_mail_task.queue_name == "default"


def test_mail_task_is_enqueued_only_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(send_templated_mail_task, "test_message", CONTEXT, ["camille@example.org"])
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1
    assert not DBTaskResult.objects.exists()

    callbacks[0]()  # the commit

    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "creative.core.tasks.send_templated_mail_task"
    assert queued.args_kwargs["args"] == ["test_message", CONTEXT, ["camille@example.org"]]
    assert mailoutbox == []


def test_nothing_is_enqueued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(send_templated_mail_task, "test_message", CONTEXT, ["camille@example.org"])
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert not DBTaskResult.objects.exists()


@worker_test
def test_the_worker_delivers_the_mail_after_commit(mailoutbox):
    with transaction.atomic():
        enqueue_on_commit(
            send_templated_mail_task, "test_message", CONTEXT, ["camille@example.org"], reply_to="equipe@example.org"
        )
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert mailoutbox == []

    run_tasks()

    [message] = mailoutbox
    assert message.subject == "Message de test de Brest Créative"
    assert message.to == ["camille@example.org"] and message.reply_to == ["equipe@example.org"]
    assert message.alternatives[0].mimetype == "text/html"
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1


@worker_test
def test_a_failing_mail_is_recorded_as_failed(mailoutbox):
    enqueue_on_commit(send_templated_mail_task, "no_such_template", {}, ["camille@example.org"])

    run_tasks()

    assert mailoutbox == []
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert "TemplateDoesNotExist" in result.exception_class_path


@worker_test
def test_send_test_email_command_enqueues_for_the_worker(mailoutbox):
    out = io.StringIO()
    call_command("send_test_email", "ops@example.org", stdout=out)
    assert "enqueued" in out.getvalue()
    assert mailoutbox == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    run_tasks()

    [message] = mailoutbox
    assert message.to == ["ops@example.org"]
