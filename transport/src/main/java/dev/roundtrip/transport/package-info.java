/**
 * The Roundtrip transport: a pooled HTTP/1.1 client with the connection semantics of Go's
 * {@code net/http.Transport}. {@link dev.roundtrip.transport.Transport} sends a
 * {@link dev.roundtrip.transport.Request} and returns a
 * {@link dev.roundtrip.transport.Response}; its builder holds the pool's limits.
 *
 * <p>
 * Nothing in this package is null unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.roundtrip.transport;

import org.jspecify.annotations.NullMarked;
