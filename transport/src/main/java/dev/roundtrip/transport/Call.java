package dev.roundtrip.transport;

import java.io.IOException;

/**
 * One request on its way through the transport, and the handle to cancel it from another
 * thread (Go: the request's context). Made by {@link Transport#newCall(Request)};
 * executed once.
 */
public interface Call {

	Request request();

	/**
	 * Sends the request and returns the response once its headers arrive. The body is
	 * then read from {@link Response#body()}.
	 * @throws IOException if the exchange failed; a {@link TransportTimeoutException}
	 * names the limit that fired, a {@link CanceledException} says the call was canceled
	 * or the thread interrupted, a {@link java.net.ProtocolException} what was malformed
	 * @throws IllegalStateException if the call was already executed
	 */
	Response execute() throws IOException;

	/**
	 * Cancels the call at whatever stage it is: waiting for a connection, sending,
	 * waiting for the response or reading its body. The connection in use, if any, is
	 * closed and never reused; the thread working on the call gets a
	 * {@link CanceledException}. Safe from any thread, idempotent.
	 */
	void cancel();

	boolean isCanceled();

}
