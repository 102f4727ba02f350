"""A real SMTP server for the tests (aiosmtpd on a free local port): mail the code sends over SMTP
arrives here and can be read back."""

from __future__ import annotations

import email
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []
        self.arrived = threading.Condition()
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return "451 Try again later"
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)

    def subjects(self) -> list[str]:
        return [str(email.header.make_header(email.header.decode_header(m["Subject"]))) for m in self.messages]

    @staticmethod
    def text_of(message: Message) -> str:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class ImapServer:
    """A small IMAP4rev1 server on a free local port holding ``messages`` (raw bytes) in INBOX: what
    a mailbox fetch needs (LOGIN, SELECT, SEARCH UNSEEN, FETCH RFC822.SIZE and BODY.PEEK[], STORE
    +FLAGS \\Seen, LOGOUT), so the support desk's IMAP client is tested against a real socket."""

    def __init__(self, messages: list[bytes], user: str = "desk", password: str = "secret"):  # noqa: S107
        self.messages = list(messages)
        self.seen: set[int] = set()
        self.downloaded: list[int] = []  # the numbers whose body was fetched
        self.user, self.password = user, password
        self.logins: list[str] = []

    def __enter__(self):
        import socketserver

        server = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, line: bytes):
                self.wfile.write(line + b"\r\n")

            def handle(self):
                self.send(b"* OK IMAP4rev1 ready")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    tag, _sp, rest = line.strip().partition(b" ")
                    command, _sp, args = rest.partition(b" ")
                    command = command.upper()
                    if command == b"CAPABILITY":
                        self.send(b"* CAPABILITY IMAP4rev1")
                    elif command == b"LOGIN":
                        user, _sp, password = args.partition(b" ")
                        server.logins.append(user.decode().strip('"'))
                        if user.strip(b'"').decode() != server.user or password.strip(b'"').decode() != server.password:
                            self.send(tag + b" NO wrong login")
                            continue
                    elif command == b"SELECT":
                        self.send(b"* %d EXISTS" % len(server.messages))
                        self.send(tag + b" OK [READ-WRITE] SELECT done")
                        continue
                    elif command == b"SEARCH":
                        unseen = [str(i + 1).encode() for i in range(len(server.messages)) if i not in server.seen]
                        self.send(b"* SEARCH " + b" ".join(unseen) if unseen else b"* SEARCH")
                    elif command == b"FETCH":
                        number = int(args.split(b" ")[0])
                        raw = server.messages[number - 1]
                        if b"RFC822.SIZE" in args.upper():
                            self.send(b"* %d FETCH (RFC822.SIZE %d)" % (number, len(raw)))
                        else:
                            server.downloaded.append(number)
                            self.wfile.write(b"* %d FETCH (BODY[] {%d}\r\n" % (number, len(raw)) + raw + b")\r\n")
                    elif command == b"STORE":
                        server.seen.add(int(args.split(b" ")[0]) - 1)
                    elif command == b"LOGOUT":
                        self.send(b"* BYE")
                        self.send(tag + b" OK LOGOUT done")
                        return
                    self.send(tag + b" OK " + command + b" done")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
