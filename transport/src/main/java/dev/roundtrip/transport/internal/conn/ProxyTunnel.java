package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportTimeoutException;
import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.internal.http1.Http1Source;
import dev.roundtrip.transport.internal.http1.ResponseHead;
import dev.roundtrip.transport.internal.http1.ResponseParser;

/**
 * Opens a tunnel through an HTTP proxy with {@code CONNECT host:port}, for the TLS
 * handshake with the origin that follows. Anything but {@code 200} is an error that names
 * the proxy and its answer. Go: the {@code cm.targetScheme == "https"} branch of
 * {@code (*Transport).dialConn}.
 */
final class ProxyTunnel {

	/** Go gives a proxy a minute to answer CONNECT when nothing else limits the dial. */
	static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 60_000;

	/**
	 * A CONNECT response's head is small; anything larger is not a proxy speaking HTTP.
	 */
	private static final int MAX_HEAD_BYTES = 64 * 1024;

	private ProxyTunnel() {
	}

	/**
	 * Sends {@code CONNECT} for {@code destination} on {@code socket}, connected to the
	 * proxy, and reads the answer within {@code timeoutMillis} (0 for
	 * {@link #DEFAULT_CONNECT_TIMEOUT_MILLIS}). Returns with the tunnel open; the caller
	 * closes the socket if this throws.
	 * @param proxyAuthorization the {@code Proxy-Authorization} value, or {@code null}
	 */
	static void open(Socket socket, Destination destination, String proxyAuthorization, int timeoutMillis)
			throws IOException {
		String target = destination.authority();
		StringBuilder request = new StringBuilder(128).append("CONNECT ")
			.append(target)
			.append(" HTTP/1.1\r\nHost: ")
			.append(target)
			.append("\r\n");
		if (proxyAuthorization != null) {
			request.append("Proxy-Authorization: ").append(proxyAuthorization).append("\r\n");
		}
		request.append("\r\n");
		OutputStream out = socket.getOutputStream();
		out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		out.flush();

		int timeout = (timeoutMillis > 0) ? timeoutMillis : DEFAULT_CONNECT_TIMEOUT_MILLIS;
		socket.setSoTimeout(timeout);
		// The proxy says nothing after its answer until the TLS client speaks, so a
		// buffer never holds bytes of the tunnel; the check below makes sure.
		Http1Source source = new Http1Source(socket.getInputStream(), 1024);
		ResponseHead head;
		try {
			head = ResponseParser.readHead(source, MAX_HEAD_BYTES);
		}
		catch (SocketTimeoutException ex) {
			throw new TransportTimeoutException(Limit.DIAL, "Proxy " + destination.proxy() + " did not answer CONNECT "
					+ target + " within " + timeout + " ms (" + Limit.DIAL.setting() + ")");
		}
		if (head == null) {
			throw new IOException(
					"Proxy " + destination.proxy() + " closed the connection instead of answering CONNECT " + target);
		}
		if (head.status() != 200) {
			throw new IOException("Proxy " + destination.proxy() + " refused CONNECT " + target + ": " + head.status()
					+ (head.reason().isEmpty() ? "" : " " + head.reason())
					+ ((head.status() == 407) ? " (check the credentials in the proxy URL)" : ""));
		}
		if (source.buffered() > 0) {
			throw new ProtocolException("Proxy " + destination.proxy() + " sent " + source.buffered()
					+ " unexpected bytes after its 200 answer to CONNECT " + target);
		}
		socket.setSoTimeout(0);
	}

}
