import click


@click.command("serve")
def serve_command() -> None:
    """todo"""
