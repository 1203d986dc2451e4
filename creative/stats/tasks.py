"""Background task of the statistics: delete yesterday's-and-older salts and visitor marks.

Run it from a scheduler (`purge_view_marks_task.enqueue()`), or run the management command
`manage.py purge_view_marks` daily (cron, systemd timer). The first flush of each day in each
process purges too, so a site without a scheduler keeps no old mark for long.
"""

from django.tasks import task


@task
def purge_view_marks_task():
    """Delete salts and marks older than yesterday; returns [salts, marks] deleted."""
    from . import counting

    counting.flush()
    return list(counting.purge_old())
