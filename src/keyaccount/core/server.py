"""The WSGI server behind ``kam serve`` and ``kam demo``: gunicorn, embedded through its API."""

from __future__ import annotations

import sys
import threading

from django.core.wsgi import get_wsgi_application

from keyaccount.core import documents


def _warm_up_printing(worker) -> None:
    """In each worker, once it is ready, in the background: the first brief or proposal PDF is then
    as quick as the others."""
    threading.Thread(target=documents.warm_up, name="warm-up-printing", daemon=True).start()


def serve(*, bind: str, workers: int, threads: int) -> None:
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows has no gunicorn: fall back to Django's threaded development server
        from django.core.management import call_command

        call_command("runserver", bind, use_reloader=False, insecure_serving=True)
        return

    # The same application keyaccount.wsgi exposes to other servers (core imports nothing above it).
    application = get_wsgi_application()

    class Application(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)
            # An idle connection is kept longer than a person's or an API client's pause between two
            # requests (gunicorn's default is 2 s): otherwise the server closes it just as the client
            # sends on it, and the client sees no answer at all (the load test's only errors).
            self.cfg.set("keepalive", 75)
            self.cfg.set("post_worker_init", _warm_up_printing)
            if "control_socket_disable" in self.cfg.settings:
                # Gunicorn's control socket would be written under the home directory; we need none.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return application

    sys.argv = sys.argv[:1]
    Application().run()
