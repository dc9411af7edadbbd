"""What the plugin tells the host site, and other apps, as it happens. Both are sent once the transaction that
made the change has committed; receivers must be safe to run twice (a redelivered task can send again).

- `list_version_imported(sender=ListVersion, version=...)`: a new version of a list was imported (an import that
  found the same file again creates no version and sends nothing).
- `screening_finished(sender=Screening, screening=...)`: a screening reached a final state: done (after its
  values, carried decisions and standing exceptions are applied), failed or cancelled.
"""

from django.dispatch import Signal

list_version_imported = Signal()
screening_finished = Signal()


def send_on_commit(signal: Signal, sender, **kwargs) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
