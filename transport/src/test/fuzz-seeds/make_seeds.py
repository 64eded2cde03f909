#!/usr/bin/env python3
"""Writes the seed inputs of ResponseFuzzTests: 8 configuration bytes, then the target's bytes.

Run from transport/: python3 src/test/fuzz-seeds/make_seeds.py
Configuration bytes: method, header limit, buffer size, two socket read sizes, two body read
sizes, one target-specific byte (see ResponseFuzzTests).
"""
import gzip
import os
import zlib

BASE = "src/test/resources/dev/roundtrip/transport/fuzz/ResponseFuzzTestsInputs"
GET, HEAD, POST, CONNECT = 0, 1, 2, 3


def cfg(method=GET, limit=0, buf=0, d1=0, d2=0, r1=200, r2=0, extra=0):
    return bytes([method, limit, buf, d1, d2, r1, r2, extra])


def write(target, name, data):
    os.makedirs(os.path.join(BASE, target), exist_ok=True)
    with open(os.path.join(BASE, target, name), "wb") as f:
        f.write(data)


def gz(data, mtime=0):
    return gzip.compress(data, mtime=mtime)


def b(s):
    return s.encode("latin-1")


# anyResponse: whole wires
any_seeds = {
    "ok-content-length": "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
    "ok-bare-lf": "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi",
    "no-reason": "HTTP/1.1 204\r\n\r\n",
    "empty-reason": "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n",
    "http10-close": "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc",
    "http10-keep-alive": "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabcHTTP/1.0 204 No Content\r\nConnection: Keep-Alive\r\n\r\n",
    "pipelined-three": "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\ny\r\n0\r\n\r\nHTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\r\n",
    "interim-100-103": "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "switching-protocols": "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00",
    "obs-fold": "HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\n\tc\r\nContent-Length: 0\r\n\r\n",
    "duplicate-content-length": "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc",
    "differing-content-length": "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "signed-content-length": "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc",
    "te-and-cl": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "te-gzip-chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "te-chunked-twice": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te-on-http10-close": "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "connection-close": "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n\r\nz",
    "space-before-colon": "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nz",
    "no-colon": "HTTP/1.1 200 OK\r\nContent-Length\r\n\r\n",
    "nul-in-value": "HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 0\r\n\r\n",
    "cr-in-value": "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n",
    "obs-text": "HTTP/1.1 200 \xc3\xa9t\xe9\r\nX-A: caf\xe9\x01\r\nContent-Length: 0\r\n\r\n",
    "http09": "HTTP/0.9 200 OK\r\n\r\n",
    "http20": "HTTP/2.0 200 OK\r\n\r\n",
    "lowercase-http": "http/1.1 200 OK\r\n\r\n",
    "status-099": "HTTP/1.1 099 Odd\r\n\r\n",
    "status-999": "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n",
    "four-digit-status": "HTTP/1.1 2000 OK\r\n\r\n",
    "truncated-head": "HTTP/1.1 200 OK\r\nContent-Le",
    "empty": "",
    "head-request": "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "until-close": "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this until the end",
    "gzip-fixed": None,
    "connect-200": "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01",
    "continuation-first": "HTTP/1.1 200 OK\r\n X: y\r\n\r\n",
    "trailers": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n4;a=b\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n",
}
for name, text in any_seeds.items():
    if text is None:
        continue
    method = HEAD if name == "head-request" else CONNECT if name == "connect-200" else GET
    write("anyResponse", name, cfg(method=method) + b(text))
body = gz(b("hello, gzip world\n" * 3))
write("anyResponse", "gzip-fixed",
      cfg() + b("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body)) + body)
write("anyResponse", "small-limit", cfg(limit=2) + b("HTTP/1.1 200 OK\r\nServer: a-rather-long-server-name\r\n\r\n"))
write("anyResponse", "interim-over-limit", cfg(limit=1) + b("HTTP/1.1 100 Continue\r\nX: " + "a" * 30 + "\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"))
write("anyResponse", "small-reads", cfg(buf=1, d1=3, d2=1, r1=0, r2=70) + b(any_seeds["pipelined-three"]))

# fixedLengthBody: the body and what follows; extra byte 0 = exact length, else length extra-1
write("fixedLengthBody", "exact", cfg() + b("hello world"))
write("fixedLengthBody", "empty", cfg() + b(""))
write("fixedLengthBody", "short", cfg(extra=21) + b("only ten b"))
write("fixedLengthBody", "then-next", cfg(extra=4) + b("abcHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nde"))
write("fixedLengthBody", "then-garbage", cfg(extra=4) + b("abcgarbage"))
write("fixedLengthBody", "binary", cfg(buf=4, d1=2, d2=5, r1=33, r2=0) + bytes(range(256)))

# chunkedBody: the chunk stream and what follows
chunk_seeds = {
    "simple": "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
    "extensions": "5;name=value\r\nhello\r\n6 ; a ; b=\"q;uoted\"\r\n world\r\n0;last\r\n\r\n",
    "trailers": "3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-Other: a\r\n  folded\r\n\r\n",
    "uppercase-hex": "A\r\n0123456789\r\nb\r\n0123456789a\r\n00\r\n\r\n",
    "bare-lf-lines": "3\nabc\r\n0\n\n",
    "then-next": "1\r\nx\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    "overflow": "8000000000000000\r\n",
    "max-long": "7fffffffffffffff\r\nabc",
    "seventeen-digits": "00000000000000001\r\nx\r\n0\r\n\r\n",
    "no-size": ";ext\r\n",
    "space-in-size": "1 2\r\nab\r\n0\r\n\r\n",
    "truncated-data": "a\r\nabc",
    "missing-crlf": "3\r\nabcX0\r\n\r\n",
    "cr-only-after-data": "3\r\nabc\r0\r\n\r\n",
    "truncated-trailers": "0\r\nX-A: b\r\n",
    "bad-trailer": "0\r\nX A: b\r\n\r\n",
    "long-extension": "1;" + "e" * 5000 + "\r\nx\r\n0\r\n\r\n",
    "empty": "0\r\n\r\n",
}
for name, text in chunk_seeds.items():
    write("chunkedBody", name, cfg() + b(text))
write("chunkedBody", "small-reads", cfg(buf=3, d1=2, d2=7, r1=40, r2=0) + b(chunk_seeds["trailers"]))
write("chunkedBody", "trailer-limit", cfg(limit=1) + b("0\r\nX-Big: " + "v" * 60 + "\r\n\r\n"))

# untilCloseBody: the body; extra byte picks the head
write("untilCloseBody", "text", cfg() + b("everything until the server closes"))
write("untilCloseBody", "empty", cfg() + b(""))
write("untilCloseBody", "http10", cfg(extra=1) + b("HTTP/1.1 200 OK\r\n\r\nlooks like a response"))
write("untilCloseBody", "close", cfg(extra=2, buf=2, d1=1, r1=0) + bytes(range(256)))

# gzipBody: the encoded body; extra byte picks the framing (0 fixed, 1 chunked, 2 close, 3 fixed + next)
plain = b("The quick brown fox jumps over the lazy dog. " * 20)
for framing, fname in enumerate(["fixed", "chunked", "close", "then-next"]):
    write("gzipBody", "text-" + fname, cfg(d1=17, extra=framing) + gz(plain))
    write("gzipBody", "corrupt-" + fname, cfg(extra=framing) + gz(plain)[:20] + b"\xff" + gz(plain)[21:])
    write("gzipBody", "truncated-" + fname, cfg(extra=framing) + gz(plain)[:-5])
    write("gzipBody", "bad-crc-" + fname, cfg(extra=framing) + gz(plain)[:-8] + b"\0\0\0\0" + gz(plain)[-4:])
write("gzipBody", "name-and-comment", cfg() + b"\x1f\x8b\x08\x18\0\0\0\0\0\xffname\0comment\0" + zlib.compress(b"abc")[2:-4] + gzip.compress(b"abc")[-8:])
write("gzipBody", "not-gzip", cfg() + b("plain text, not gzip"))
write("gzipBody", "header-only", cfg() + gz(b"")[:10])
write("gzipBody", "empty-member", cfg(extra=1) + gz(b""))
write("gzipBody", "small-reads", cfg(buf=2, d1=3, d2=1, r1=0, r2=45, extra=1) + gz(plain))

# deflateBody: the encoded body; extra byte picks the framing as for gzipBody
def raw_deflate(data):
    c = zlib.compressobj(wbits=-15)
    return c.compress(data) + c.flush()
for framing, fname in enumerate(["fixed", "chunked", "close", "then-next"]):
    write("deflateBody", "zlib-" + fname, cfg(d1=11, extra=framing) + zlib.compress(plain))
    write("deflateBody", "raw-" + fname, cfg(extra=framing) + raw_deflate(plain))
write("deflateBody", "empty", cfg(extra=1))
write("deflateBody", "zlib-bad-adler", cfg() + zlib.compress(plain)[:-1] + b"\0")
write("deflateBody", "zlib-truncated", cfg() + zlib.compress(plain)[:-6])
write("deflateBody", "trailing-byte", cfg() + zlib.compress(plain) + b"x")
write("deflateBody", "preset-dictionary", cfg() + b"\x78\xbb\x00\x00\x00\x01\x03\x00")
write("deflateBody", "one-byte", cfg() + b"\x03")
write("deflateBody", "small-reads", cfg(buf=2, d1=1, d2=4, r1=0, r2=50, extra=1) + raw_deflate(plain))
# gzip: concatenated members, reserved flags, header CRC
write("gzipBody", "two-members", cfg(extra=1) + gz(b"first ") + gz(b"second"))
write("gzipBody", "reserved-flags", cfg() + b"\x1f\x8b\x08\x20" + gz(b"abc")[4:])
write("gzipBody", "header-crc", cfg() + b"\x1f\x8b\x08\x02" + gz(b"abc")[4:10] + b"\x12\x34" + gz(b"abc")[10:])
write("gzipBody", "x-gzip-equivalent", cfg(extra=2) + gz(b"abc" * 100))
