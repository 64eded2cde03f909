package dev.roundtrip.transport;

import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * A limit on time fired. {@link #limit()} says which one; the message names the setting
 * so it can be found in the configuration.
 */
public class TransportTimeoutException extends SocketTimeoutException {

	private static final long serialVersionUID = 1L;

	private final Limit limit;

	public TransportTimeoutException(Limit limit, String message) {
		super(message);
		this.limit = limit;
	}

	public Limit limit() {
		return this.limit;
	}

	/** The limits on time that a call can run into. */
	public enum Limit {

		/** {@code dial-timeout} (or the request's connect timeout): TCP connect. */
		DIAL("dial-timeout"),

		/** {@code tls-handshake-timeout}. */
		TLS_HANDSHAKE("tls-handshake-timeout"),

		/**
		 * {@code response-header-timeout}: from the request written to the response
		 * headers.
		 */
		RESPONSE_HEADER("response-header-timeout"),

		/** The read timeout: one socket read waited too long. */
		READ("read-timeout"),

		/** The request's own {@link Request#timeout()} over the whole exchange. */
		CALL("request timeout"),

		/**
		 * {@code pool-wait-timeout}: waiting for a connection while the destination was
		 * at {@code max-conns-per-host}.
		 */
		POOL_WAIT("pool-wait-timeout");

		private final String setting;

		Limit(String setting) {
			this.setting = setting;
		}

		/** The name of the setting, as it appears in messages and properties. */
		public String setting() {
			return this.setting;
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
