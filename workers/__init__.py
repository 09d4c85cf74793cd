"""Celery tasks: thin ``@shared_task(name="<feature>.<verb>")`` wrappers around services.

``workers.app`` is the worker's entry point (``celery -A workers.app worker``).
"""
