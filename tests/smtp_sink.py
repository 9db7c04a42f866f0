"""A minimal SMTP server on 127.0.0.1 for the tests: it accepts every message and keeps it
(no TLS, no authentication; enough of RFC 5321 for smtplib). ``refuse_after`` makes it
answer 554 to the DATA of the messages beyond that number, as a server that gives up."""

from __future__ import annotations

import dataclasses
import email
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from email.policy import default

from flask import Flask


class _Handler(socketserver.StreamRequestHandler):
    server: _Sink

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink.example.org ESMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 end with .")
                data = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                if self.server.refuse_after is not None and (
                    len(self.server.messages) >= self.server.refuse_after
                ):
                    self.reply("554 no more today")
                    continue
                self.server.messages.append(email.message_from_bytes(data, policy=default))
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            elif verb == "EHLO":
                self.reply("250 sink.example.org")
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class _Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.messages: list[Message] = []
        self.refuse_after: int | None = None


@contextmanager
def smtp_sink() -> Iterator[_Sink]:
    sink = _Sink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()


def mail_through(app: Flask, sink: _Sink) -> None:
    """Point the app's mail settings at the sink (the app fixture restores its config)."""
    settings = app.config["CATI_SETTINGS"]
    app.config["CATI_SETTINGS"] = dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=sink.server_address[1],
        smtp_starttls=False,
        mail_from="Survey team <survey@example.org>",
        public_url="https://survey.example.org",
    )
