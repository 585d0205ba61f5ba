#!/usr/bin/python3
"""An exporter made with the Prometheus Python client (Debian's
python3-prometheus-client), which nobody here wrote: it answers with
OpenMetrics text or text 0.0.4 as the Accept header asks. Loopback,
port 0; prints "ready http=ADDR" once listening.
"""
import threading
from wsgiref.simple_server import make_server, WSGIRequestHandler

from prometheus_client import (CollectorRegistry, Counter, Enum, Gauge,
                               Histogram, Info, Summary, make_wsgi_app)


class Quiet(WSGIRequestHandler):
    def log_message(self, *a):
        pass


reg = CollectorRegistry()
c = Counter('rtcd_rtc_errors', 'Total number of RTC errors',
            ['groupID', 'type'], registry=reg)
c.labels('g1', 'ice').inc(3)
c.labels('g"1\\\n', 'rtp').inc(0.5)
g = Gauge('rtcd_rtc_sessions', 'Active sessions', ['groupID'], registry=reg)
g.labels('g1').set(7)
g.labels('g2').set(float('nan'))
h = Histogram('rtcd_rtc_client_rtt', 'Client RTT', ['groupID'],
              buckets=(.001, .005, .01, .05, .1, 1), registry=reg)
for v in (.002, .004, .02, .03, .03, .5, 3):
    h.labels('g1').observe(v)
s = Summary('rtcd_signaling_seconds', 'Signaling time', registry=reg)
s.observe(1.5)
Info('rtcd_build', 'Build', registry=reg).info({'version': '1.2.3'})
Enum('rtcd_state', 'State', states=['up', 'draining'],
     registry=reg).state('draining')

srv = make_server('127.0.0.1', 0, make_wsgi_app(reg), handler_class=Quiet)
print('ready http=127.0.0.1:%d' % srv.server_port, flush=True)
srv.serve_forever()
