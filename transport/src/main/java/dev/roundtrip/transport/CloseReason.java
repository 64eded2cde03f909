package dev.roundtrip.transport;

import java.util.Locale;

/**
 * Why a connection was closed rather than kept for reuse. Every refusal to pool a
 * connection has one of these; logs, the metrics' {@code reason} tag and the tests all
 * speak in these names.
 */
public enum CloseReason {

	/**
	 * Idle in the pool longer than {@code idle-conn-timeout} (or the server's
	 * {@code Keep-Alive: timeout}). Go: {@code errIdleConnTimeout}.
	 */
	IDLE_TIMEOUT,

	/**
	 * Evicted as the least recently used idle connection when {@code max-idle-conns} was
	 * exceeded. Go: {@code errTooManyIdle}.
	 */
	MAX_IDLE,

	/**
	 * Returned while its destination already held {@code max-idle-conns-per-host} idle
	 * connections. Go: {@code errTooManyIdleHost}.
	 */
	MAX_IDLE_PER_HOST,

	/**
	 * Keep-alives are disabled (or idle pooling is off): one exchange per connection. Go:
	 * {@code errKeepAlivesDisabled}.
	 */
	KEEP_ALIVES_DISABLED,

	/**
	 * The server closed the idle connection, or sent bytes on it unasked (such as a 408):
	 * found before a request was sent on it, or by the request itself, which met the
	 * close before any byte of a response. Go: {@code errServerClosedIdle}.
	 */
	SERVER_CLOSED,

	/**
	 * The response forbade reuse: {@code Connection: close}, HTTP/1.0 without keep-alive,
	 * or a body delimited by close.
	 */
	RESPONSE_CLOSE,

	/**
	 * The caller closed the body before its end and it could not be drained within
	 * bounds. Go: {@code earlyCloseFn}.
	 */
	EARLY_BODY_CLOSE,

	/**
	 * The exchange was canceled through its {@link Call}, a deadline, or a thread
	 * interrupt.
	 */
	CANCELED,

	/** A timeout fired while the connection was in use (read, response header, write). */
	TIMEOUT,

	/** An I/O or protocol error on the connection. */
	ERROR,

	/** Older than {@code max-conn-lifetime}. */
	LIFETIME,

	/** Served the number of requests allowed by the server's {@code Keep-Alive: max}. */
	KEEP_ALIVE_MAX,

	/** Served {@code max-requests-per-conn} requests. */
	MAX_REQUESTS,

	/**
	 * Its response was dropped without being read to the end or closed, and was found by
	 * leak detection.
	 */
	LEAKED,

	/** Closed by {@link Transport#closeIdleConnections()}. */
	CLOSE_IDLE,

	/** The transport was closed. */
	SHUTDOWN;

	private final String tagValue = name().toLowerCase(Locale.ROOT);

	/** The lower-case name used as a metric tag value, e.g. {@code idle_timeout}. */
	public String tagValue() {
		return this.tagValue;
	}

}
