import click


@click.command("demo-data")
def demo_data_command() -> None:
    """todo"""
