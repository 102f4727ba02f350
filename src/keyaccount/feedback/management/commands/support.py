"""``kam support fetch`` (the KAM_SUPPORT_IMAP_* mailbox now; the worker does it every two
minutes) and ``kam support smtpd [--bind 127.0.0.1:2525]`` (Keyaccount's own SMTP intake: point a
forwarding address at it and each message becomes a ticket)."""

import imaplib
import time

from django.core.management.base import BaseCommand, CommandError

from keyaccount.feedback import support


class Command(BaseCommand):
    help = "Support desk mail: fetch the IMAP mailbox now, or run the SMTP intake."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["fetch", "smtpd"])
        parser.add_argument("--bind", default="127.0.0.1:2525", help="host:port of the SMTP intake")

    def handle(self, *args, action, bind, **options):
        if action == "fetch":
            try:
                result = support.fetch_configured()
            except OSError as error:
                raise CommandError(f"cannot reach the mailbox: {error}", returncode=2) from error
            except imaplib.IMAP4.error as error:  # a wrong login or folder (IMAP4.abort is one too)
                raise CommandError(f"the mailbox refused: {error}", returncode=2) from error
            if result is None:
                raise CommandError("no mailbox: set KAM_SUPPORT_IMAP_HOST (and _USER, _PASSWORD)", returncode=2)
            self.stdout.write("{fetched} messages: {tickets} to tickets, {unmatched} unmatched, "
                              "{repeats} seen before; {refused} refused unread (too large or malformed)"
                              .format(**result))
            return
        host, _sep, port = bind.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--bind takes host:port, e.g. 0.0.0.0:2525", returncode=2)
        controller = support.intake_controller(hostname=host, port=int(port))
        controller.start()
        self.stdout.write(f"support intake listening on {host}:{port}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
