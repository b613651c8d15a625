"""The app behind waitress on a free loopback port, in a thread of the test process, as in production."""

import threading
from contextlib import contextmanager

from waitress import wasyncore
from waitress.server import create_server


CENTURY = 100 * 365 * 24 * 3600


@contextmanager
def served_in_a_thread(app, threads=4):
    """Yield the server's base URL; on leaving, stop it cleanly."""
    # waitress drops a connection idle for channel_timeout seconds of the wall clock, which tests
    # move by days (time-machine patches the whole process): a browser's kept-alive connection would
    # be dropped under its next request. No test moves the clock a century.
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=threads, channel_timeout=CENTURY)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{wsgi.effective_port}"
    finally:
        # Close the sockets in the server's own thread, between two selects: closing them from here
        # could pull a socket from under a running select (EBADF in the server thread).
        wsgi.trigger.pull_trigger(lambda: wasyncore.close_all(wsgi._map))
        thread.join(timeout=5)
        wsgi.task_dispatcher.shutdown()
