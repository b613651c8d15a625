"""The ``kiosk`` console script (also ``python -m kiosk``): ``kiosk COMMAND`` is the same as
``flask --app kiosk COMMAND``; the commands are in kiosk/cli.py."""

import os

from flask.cli import FlaskGroup

from kiosk import create_app


def main():
    os.umask(0o077)  # whatever the kiosk writes (database, backups, uploads) is its user's only
    os.environ.setdefault("FLASK_APP", "kiosk")
    FlaskGroup(create_app=create_app, name="kiosk")()


if __name__ == "__main__":
    main()
