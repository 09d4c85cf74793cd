"""The floor for e-mail: plain smtplib in one process sending already rendered messages
for a fixed time. ``per-message`` opens a connection per e-mail; ``one-connection`` keeps
one open, as the app's worker does.

    python -m bench.mail_floor MESSAGES.jsonl PORT SECONDS per-message|one-connection
"""

from __future__ import annotations

import base64
import json
import smtplib
import sys
import time

MAX_MAILS = 200_000
FROM = "avvik@bench.invalid"


def main(path: str, port: int, seconds: float, mode: str) -> None:
    with open(path) as source:
        messages = [(m["to"], base64.b64decode(m["data"]))
                    for m in map(json.loads, source)]
    sent, started = 0, time.monotonic()
    stop_at = started + seconds
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10) if mode == "one-connection" else None
    while time.monotonic() < stop_at and sent < MAX_MAILS:
        to, data = messages[sent % len(messages)]
        if smtp is None:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as once:
                once.sendmail(FROM, [to], data)
        else:
            smtp.sendmail(FROM, [to], data)
        sent += 1
    elapsed = time.monotonic() - started
    if smtp is not None:
        smtp.quit()
    print(json.dumps({"mode": mode, "sent": sent, "seconds": round(elapsed, 3),
                      "mails_per_s": round(sent / elapsed, 1)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
