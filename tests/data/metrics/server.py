#!/usr/bin/python3
"""Test endpoints for calls-metrics, on loopback, port 0.

Prints "ready http=ADDR https=ADDR hang=ADDR" once listening:
  /file/NAME     tests/data/metrics/NAME as text/plain; version=0.0.4
  /om/NAME       the same as application/openmetrics-text
  /status/CODE   an empty answer with that status
  /counter       a counter (+10 a request) and a histogram (+8
                 observations a request: 2 <= 0.1, 4 in (0.1, 1], 2 above)
  /flaky/N       503 for the first N requests, then /file/rtcd.prom
  /basic         rtcd.prom with basic auth user:secret, else 401
  /bearer        rtcd.prom with "Bearer tok", else 401
https serves the same with --cert/--key; hang accepts nothing and never
answers (a listen backlog only).
"""
import argparse
import http.server
import os
import socket
import ssl
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
lock = threading.Lock()
hits = {}
OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8'
TEXT = 'text/plain; version=0.0.4; charset=utf-8'


def count(path):
    with lock:
        hits[path] = hits.get(path, 0) + 1
        return hits[path]


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body=b'', ctype=TEXT):
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def fixture(self, name, ctype=TEXT):
        path = os.path.join(HERE, os.path.basename(name))
        try:
            with open(path, 'rb') as f:
                self.send(200, f.read(), ctype)
        except OSError:
            self.send(404)

    def do_GET(self):
        p = self.path
        if p.startswith('/file/'):
            self.fixture(p[6:])
        elif p.startswith('/om/'):
            self.fixture(p[4:], OM)
        elif p.startswith('/status/'):
            self.send(int(p[8:]))
        elif p == '/counter':
            n = count(p)
            body = ('# TYPE c_total counter\nc_total %d\n'
                    '# TYPE lat histogram\n'
                    'lat_bucket{le="0.1"} %d\nlat_bucket{le="1"} %d\n'
                    'lat_bucket{le="+Inf"} %d\nlat_sum %d\n'
                    'lat_count %d\n# TYPE g gauge\ng 5\n' %
                    (10 * n, 2 * n, 6 * n, 8 * n, 4 * n, 8 * n))
            self.send(200, body.encode())
        elif p.startswith('/flaky/'):
            if count(p) <= int(p[7:]):
                self.send(503)
            else:
                self.fixture('rtcd.prom')
        elif p == '/basic':
            # "user:secret"
            if self.headers.get('Authorization') == 'Basic dXNlcjpzZWNyZXQ=':
                self.fixture('rtcd.prom')
            else:
                self.send(401)
        elif p == '/bearer':
            if self.headers.get('Authorization') == 'Bearer tok':
                self.fixture('rtcd.prom')
            else:
                self.send(401)
        else:
            self.send(404)


def serve(srv):
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cert')
    ap.add_argument('--key')
    a = ap.parse_args()

    http.server.ThreadingHTTPServer.daemon_threads = True
    plain = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
    serve(plain)
    line = 'ready http=127.0.0.1:%d' % plain.server_address[1]

    if a.cert:
        tls = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        serve(tls)
        line += ' https=127.0.0.1:%d' % tls.server_address[1]

    hang = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hang.bind(('127.0.0.1', 0))
    hang.listen(16)
    line += ' hang=127.0.0.1:%d' % hang.getsockname()[1]

    print(line, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
