package dev.roundtrip.transport;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link TransportListener} may know of a connection. A live view, valid during
 * the callback; copy what you keep.
 */
public interface ConnectionInfo {

	/** A number unique within the transport, in order of creation. */
	long id();

	Destination destination();

	/** The client side's address; {@code null} over a unix socket. */
	@Nullable InetSocketAddress localAddress();

	/** The server's address as dialed; {@code null} over a unix socket. */
	@Nullable InetSocketAddress remoteAddress();

	/**
	 * When the connection was established, on {@link System#nanoTime()}'s clock (or the
	 * transport's test clock).
	 */
	long createdAtNanos();

	/** How many exchanges the connection has carried, the current one included. */
	long requestCount();

	/**
	 * The negotiated TLS protocol, such as {@code TLSv1.3}, or {@code null} for plain
	 * HTTP.
	 */
	@Nullable String tlsProtocol();

	/** The negotiated cipher suite, or {@code null} for plain HTTP. */
	@Nullable String cipherSuite();

	/**
	 * How long the TLS handshake took when the connection was dialed, in nanoseconds; -1
	 * for plain HTTP (or when not known).
	 */
	default long tlsHandshakeNanos() {
		return -1;
	}

}
