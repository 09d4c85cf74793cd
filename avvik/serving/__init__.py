"""``avvik serve``: the process runner of ``make run``.

The command, its supervisor, the embedded broker and the mail debugging server: the
whole system on one machine. The app itself knows nothing of this package, except
``/health``, which reads the state file the supervisor writes.
"""
