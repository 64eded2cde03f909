package dev.roundtrip.transport.internal;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener;

/**
 * The transport's own log, a {@link TransportListener} in front of the application's.
 * Through {@link System.Logger}, so the transport needs nothing but the JDK; Spring Boot
 * (and any SLF4J or Log4j setup that bridges {@code java.util.logging} or provides a
 * {@code System.LoggerFinder}) routes it to the application's logging.
 *
 * <ul>
 * <li>{@value #POOL} at DEBUG: each connection dialed (destination, id, local port, dial
 * and TLS handshake time), reused (how long it was idle), returned to the pool, closed
 * (its {@link CloseReason}, and what that means); a request waiting for a connection, and
 * how long it waited.</li>
 * <li>{@value #EXCHANGE} at TRACE: the request line and response status of each exchange;
 * never a header value or a body.</li>
 * </ul>
 *
 * When neither level is on, each event costs one {@code isLoggable} check: no message is
 * built and nothing is allocated.
 */
final class TransportLog implements TransportListener {

	/** The logger of connection events. */
	static final String POOL = "dev.roundtrip.transport.pool";

	/** The logger of request lines and statuses. */
	static final String EXCHANGE = "dev.roundtrip.transport.exchange";

	private static final System.Logger POOL_LOG = System.getLogger(POOL);

	private static final System.Logger EXCHANGE_LOG = System.getLogger(EXCHANGE);

	private final TransportListener delegate;

	/**
	 * When each idle connection went idle, by id, on {@link System#nanoTime()}'s clock;
	 * filled only while DEBUG is on, emptied as connections are taken or closed.
	 */
	private final Map<Long, Long> idleSince = new ConcurrentHashMap<>();

	private TransportLog(TransportListener delegate) {
		this.delegate = delegate;
	}

	/** {@code listener}, after this log. */
	static TransportListener around(TransportListener listener) {
		return new TransportLog(listener);
	}

	@Override
	public void waitingForConnection(Destination destination) {
		this.delegate.waitingForConnection(destination);
		if (POOL_LOG.isLoggable(Level.DEBUG)) {
			POOL_LOG.log(Level.DEBUG, "Request to " + destination + " found no idle connection; waiting");
		}
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		this.delegate.connectionAcquired(connection, reused, waitNanos);
		Long idle = forgetIdle(connection);
		if (!POOL_LOG.isLoggable(Level.DEBUG)) {
			return;
		}
		if (reused) {
			POOL_LOG.log(Level.DEBUG,
					"Connection #" + connection.id() + " to " + connection.destination() + " reused"
							+ ((idle != null) ? " after " + duration(System.nanoTime() - idle) + " idle" : "")
							+ " (waited " + duration(waitNanos) + ")");
		}
		else {
			POOL_LOG.log(Level.DEBUG, "Request to " + connection.destination() + " got new connection #"
					+ connection.id() + " after waiting " + duration(waitNanos));
		}
	}

	@Override
	public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
		this.delegate.connectionAcquireFailed(destination, outcome, waitNanos);
		if (POOL_LOG.isLoggable(Level.DEBUG)) {
			POOL_LOG.log(Level.DEBUG, "Request to " + destination + " got no connection after waiting "
					+ duration(waitNanos) + ": " + outcome.name().toLowerCase(Locale.ROOT));
		}
	}

	@Override
	public void dialStarted(Destination destination) {
		this.delegate.dialStarted(destination);
	}

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		this.delegate.dialSucceeded(connection, durationNanos);
		if (POOL_LOG.isLoggable(Level.DEBUG)) {
			long tls = connection.tlsHandshakeNanos();
			POOL_LOG.log(Level.DEBUG, "Connection #" + connection.id() + " to " + connection.destination()
					+ " opened from local port " + port(connection.localAddress()) + " to "
					+ address(connection.remoteAddress()) + " in " + duration(durationNanos)
					+ ((tls >= 0) ? " (TLS handshake " + duration(tls) + ", " + connection.tlsProtocol() + ")" : ""));
		}
	}

	@Override
	public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
		this.delegate.dialFailed(destination, failure, durationNanos);
		if (POOL_LOG.isLoggable(Level.DEBUG)) {
			POOL_LOG.log(Level.DEBUG,
					"Dial to " + destination + " failed after " + duration(durationNanos) + ": " + failure);
		}
	}

	@Override
	public void connectionIdle(ConnectionInfo connection) {
		this.delegate.connectionIdle(connection);
		if (POOL_LOG.isLoggable(Level.DEBUG)) {
			this.idleSince.put(connection.id(), System.nanoTime());
			POOL_LOG.log(Level.DEBUG, "Connection #" + connection.id() + " to " + connection.destination()
					+ " returned to the pool after " + connection.requestCount() + " request(s)");
		}
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		this.delegate.connectionClosed(connection, reason, lifetimeNanos);
		forgetIdle(connection);
		if (POOL_LOG.isLoggable(Level.DEBUG)) {
			POOL_LOG.log(Level.DEBUG,
					"Connection #" + connection.id() + " to " + connection.destination() + " closed: "
							+ reason.tagValue() + " (" + meaning(reason) + "); lived " + duration(lifetimeNanos) + ", "
							+ connection.requestCount() + " request(s)");
		}
	}

	@Override
	public void responseReceived(ConnectionInfo connection, String method, String target, int status) {
		this.delegate.responseReceived(connection, method, target, status);
		if (EXCHANGE_LOG.isLoggable(Level.TRACE)) {
			EXCHANGE_LOG.log(Level.TRACE, "#" + connection.id() + " " + connection.destination() + " " + method + " "
					+ target + " HTTP/1.1 -> " + status);
		}
	}

	/**
	 * When {@code connection} went idle, forgotten now; {@code null} if not known. Looks
	 * into the map (which boxes the id) only when something was ever put there.
	 */
	private Long forgetIdle(ConnectionInfo connection) {
		return this.idleSince.isEmpty() ? null : this.idleSince.remove(connection.id());
	}

	/** What a close reason means, in a log line for someone who wonders why. */
	static String meaning(CloseReason reason) {
		return switch (reason) {
			case IDLE_TIMEOUT ->
				"idle longer than idle-conn-timeout, or than the server's Keep-Alive timeout less keep-alive-margin";
			case MAX_IDLE -> "the least recently used idle connection, above max-idle-conns";
			case MAX_IDLE_PER_HOST -> "returned while max-idle-conns-per-host were already idle";
			case KEEP_ALIVES_DISABLED -> "keep-alives are disabled: one request per connection";
			case SERVER_CLOSED -> "the server closed it, or sent bytes on it unasked, while it was idle";
			case RESPONSE_CLOSE -> "the response forbade reuse: Connection: close, HTTP/1.0, or a body ended by close";
			case EARLY_BODY_CLOSE ->
				"the response body was closed before its end and the rest was too long to drain (drain-on-close)";
			case CANCELED -> "its exchange was canceled or timed out as a whole";
			case TIMEOUT -> "a timeout fired while it was in use";
			case ERROR -> "an I/O or protocol error";
			case LIFETIME -> "older than its lifetime: max-conn-lifetime less its share of max-conn-lifetime-jitter";
			case KEEP_ALIVE_MAX -> "it served the requests the server's Keep-Alive max allows";
			case MAX_REQUESTS -> "it served max-requests-per-conn requests";
			case LEAKED -> "its response was dropped without being read to its end or closed";
			case CLOSE_IDLE -> "closeIdleConnections() was called";
			case SHUTDOWN -> "the transport was closed";
		};
	}

	private static String duration(long nanos) {
		if (nanos < 10_000_000_000L) {
			long tenths = Math.max(0, nanos) / 100_000;
			return (tenths / 10) + "." + (tenths % 10) + " ms";
		}
		long tenths = nanos / 100_000_000;
		return (tenths / 10) + "." + (tenths % 10) + " s";
	}

	private static String port(InetSocketAddress address) {
		return (address != null) ? Integer.toString(address.getPort()) : "?";
	}

	private static String address(InetSocketAddress address) {
		if (address == null) {
			return "?";
		}
		String host = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + address.getPort();
	}

}
