"""Who is told what by e-mail, and the writing of those e-mails into the outbox."""
