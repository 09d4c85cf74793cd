import click


@click.command("send-test-mail")
def send_test_mail_command() -> None:
    """todo"""
