"""State changes of a case. Every function takes the acting user, flushes, never commits.

drafting: create and edit drafts, submit, approve, send back, withdraw (reporting side).
handling: acknowledge, answer, close, forward, comment (both sides).
disputes: decline with a proposal (the answering side), reopen (the reporting side).
"""

from avvik.reports.services.disputes import decline_report, reopen_report
from avvik.reports.services.drafting import (
    approve_report,
    create_draft,
    return_report,
    submit_report,
    update_draft,
    withdraw_report,
)
from avvik.reports.services.handling import (
    acknowledge_report,
    add_comment,
    answer_report,
    close_report,
    forward_report,
    mark_answer_delivered,
)
from avvik.reports.services.validation import ReportInput

__all__ = [
    "ReportInput", "acknowledge_report", "add_comment", "answer_report", "approve_report",
    "close_report", "create_draft", "decline_report", "forward_report",
    "mark_answer_delivered",
    "reopen_report", "return_report", "submit_report", "update_draft", "withdraw_report",
]
