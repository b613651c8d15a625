"""The test server itself: a test that moves the clock must not make it drop open connections."""

import http.client
import time
from datetime import timedelta
from urllib.parse import urlsplit

from tests.serving import served_in_a_thread


def test_a_clock_moved_by_days_keeps_the_browsers_connection_open(app, fixed_clock):
    """waitress closes a connection idle for two minutes by the wall clock, which time-machine moves
    for the whole process: a test that jumps nine days would see the next request on a kept-alive
    connection dropped (Chromium then shows the offline page; CI saw "no board" once)."""
    with served_in_a_thread(app) as url:
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
        connection.request("GET", "/health")
        first = connection.getresponse()
        first.read()
        assert first.status == 200
        fixed_clock.shift(timedelta(days=9))
        time.sleep(1.5)  # the server looks for idle connections on its next turn (every second)
        connection.request("GET", "/health")
        second = connection.getresponse()
        assert second.status == 200
        connection.close()
