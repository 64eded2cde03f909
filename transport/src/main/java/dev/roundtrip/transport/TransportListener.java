package dev.roundtrip.transport;

/**
 * Events from the transport's pool and connections, for metrics and logs.
 *
 * <p>
 * Callbacks run on the thread doing the work, never while the pool's lock is held. They
 * must be fast, must not block, and must not throw: an exception from a listener is
 * caught and dropped. Every method does nothing by default.
 */
public interface TransportListener {

	/** The listener that does nothing. */
	TransportListener NONE = new TransportListener() {
	};

	/**
	 * A request found no idle connection and waits for one, or for its dial, or for a
	 * slot under {@code max-conns-per-host}.
	 */
	default void waitingForConnection(Destination destination) {
	}

	/**
	 * A request has a connection.
	 * @param reused whether it came from the idle pool (or was handed over by another
	 * request) rather than dialed for this request
	 * @param waitNanos from asking the pool to holding the connection
	 */
	default void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
	}

	/**
	 * A request gave up waiting for a connection.
	 * @param outcome {@link AcquireFailure#TIMEOUT} (the request's timeout or
	 * {@code pool-wait-timeout}), {@link AcquireFailure#CANCELED},
	 * {@link AcquireFailure#ERROR} (its dial failed) or {@link AcquireFailure#REJECTED}
	 * ({@code max-pending-per-host})
	 */
	default void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
	}

	/** A dial (TCP connect, TLS handshake, proxy tunnel) starts. */
	default void dialStarted(Destination destination) {
	}

	/** A dial succeeded. */
	default void dialSucceeded(ConnectionInfo connection, long durationNanos) {
	}

	/** A dial failed. */
	default void dialFailed(Destination destination, Throwable failure, long durationNanos) {
	}

	/** A connection went back to the idle pool. */
	default void connectionIdle(ConnectionInfo connection) {
	}

	/**
	 * A connection was closed.
	 * @param lifetimeNanos from established to closed
	 */
	default void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
	}

	/**
	 * The response head of an exchange arrived (1xx interim responses are not reported).
	 * For logs: carries the request line's method and target, never a header or body.
	 * @param target the request target as sent: {@code /path?query}, or an absolute URI
	 * through a proxy
	 */
	default void responseReceived(ConnectionInfo connection, String method, String target, int status) {
	}

	/** Why a request got no connection. */
	enum AcquireFailure {

		/** Its deadline passed while it waited. */
		TIMEOUT,

		/** It was canceled or its thread interrupted while it waited. */
		CANCELED,

		/** The dial it waited for failed. */
		ERROR,

		/**
		 * Refused without waiting: {@code max-pending-per-host} requests were already
		 * waiting.
		 */
		REJECTED

	}

}
