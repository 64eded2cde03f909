/**
 * The HTTP/1.1 codec: bytes in, bytes out, no socket and no pool.
 *
 * <p>
 * {@link dev.roundtrip.transport.internal.http1.Http1Source} and
 * {@link dev.roundtrip.transport.internal.http1.Http1Sink} hold a connection's buffers
 * for its whole life. {@link dev.roundtrip.transport.internal.http1.RequestWriter} writes
 * a request head; {@link dev.roundtrip.transport.internal.http1.ResponseParser} reads a
 * response head straight from the read buffer;
 * {@link dev.roundtrip.transport.internal.http1.BodyFraming} decides how its body is
 * delimited (Go's {@code transfer.go}), and the body streams read or write it.
 */
package dev.roundtrip.transport.internal.http1;
