package dev.roundtrip.transport;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Overrides for one {@code host:port}. A {@code null} field inherits the transport's
 * value.
 *
 * @param maxConnsPerHost see {@link TransportSettings#maxConnsPerHost()}
 * @param maxIdleConnsPerHost see {@link TransportSettings#maxIdleConnsPerHost()}
 * @param idleConnTimeout see {@link TransportSettings#idleConnTimeout()}
 * @param maxConnLifetime see {@link TransportSettings#maxConnLifetime()}
 * @param responseHeaderTimeout see {@link TransportSettings#responseHeaderTimeout()}
 * @param poolWaitTimeout see {@link TransportSettings#poolWaitTimeout()}; unlike there,
 * {@code null} inherits, and there is no per-host way back to "no limit" other than a
 * long duration
 * @param maxPendingPerHost see {@link TransportSettings#maxPendingPerHost()}
 * @param maxConnLifetimeJitter see {@link TransportSettings#maxConnLifetimeJitter()}
 * @param maxRequestsPerConn see {@link TransportSettings#maxRequestsPerConn()}
 * @param idleOrder see {@link TransportSettings#idleOrder()}
 * @param minIdleConns connections kept open to this destination at all times, opened when
 * the transport starts (for ports 80 and 443, as {@code http} and {@code https}) or at
 * the first request to it (any port), and re-opened with backoff when they close. They
 * are exempt from the idle timeout but not from the lifetime; a warm connection past its
 * lifetime is replaced. 0 = none. Not inherited: the transport has no such setting.
 * OkHttp: {@code minimumConcurrentCalls}; Jetty: {@code preCreateConnections}
 * @param unixSocket the unix domain socket that connections to this {@code host:port} are
 * made to instead of TCP: no DNS lookup, no proxy, no address filter (it filters IP
 * addresses; a socket file has none). Requests keep the host in their {@code Host}
 * header, and https still verifies the server's certificate for it. {@code null}: TCP.
 * Go: a {@code DialContext} that dials {@code "unix"}
 */
public record HostSettings(@Nullable Integer maxConnsPerHost, @Nullable Integer maxIdleConnsPerHost,
		@Nullable Duration idleConnTimeout, @Nullable Duration maxConnLifetime,
		@Nullable Duration responseHeaderTimeout, @Nullable Duration poolWaitTimeout,
		@Nullable Integer maxPendingPerHost, @Nullable Duration maxConnLifetimeJitter,
		@Nullable Integer maxRequestsPerConn, @Nullable IdleOrder idleOrder, int minIdleConns,
		@Nullable Path unixSocket) {

	/** Overrides nothing. */
	public static final HostSettings INHERIT = new HostSettings(null, null, null, null, null, null, null, null, null,
			null, 0, null);

	public HostSettings {
		TransportSettings.checkLimit(maxConnsPerHost, "max-conns-per-host");
		TransportSettings.checkNotNegative(idleConnTimeout, "idle-conn-timeout");
		TransportSettings.checkNotNegative(maxConnLifetime, "max-conn-lifetime");
		TransportSettings.checkNotNegative(responseHeaderTimeout, "response-header-timeout");
		TransportSettings.checkNotNegative(poolWaitTimeout, "pool-wait-timeout");
		TransportSettings.checkLimit(maxPendingPerHost, "max-pending-per-host");
		TransportSettings.checkJitter(maxConnLifetime, maxConnLifetimeJitter, "max-conn-lifetime");
		TransportSettings.checkLimit(maxRequestsPerConn, "max-requests-per-conn");
		TransportSettings.checkLimit(minIdleConns, "min-idle-conns");
		if (minIdleConns > 0 && maxConnsPerHost != null && maxConnsPerHost > 0 && minIdleConns > maxConnsPerHost) {
			throw new IllegalArgumentException("min-idle-conns (" + minIdleConns
					+ ") must not exceed max-conns-per-host (" + maxConnsPerHost + ")");
		}
	}

	public HostSettings withMaxConnsPerHost(@Nullable Integer value) {
		return new HostSettings(value, this.maxIdleConnsPerHost, this.idleConnTimeout, this.maxConnLifetime,
				this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost, this.maxConnLifetimeJitter,
				this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withMaxIdleConnsPerHost(@Nullable Integer value) {
		return new HostSettings(this.maxConnsPerHost, value, this.idleConnTimeout, this.maxConnLifetime,
				this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost, this.maxConnLifetimeJitter,
				this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withIdleConnTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, value, this.maxConnLifetime,
				this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost, this.maxConnLifetimeJitter,
				this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withMaxConnLifetime(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout, value,
				this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost, this.maxConnLifetimeJitter,
				this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withResponseHeaderTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, value, this.poolWaitTimeout, this.maxPendingPerHost, this.maxConnLifetimeJitter,
				this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withPoolWaitTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, value, this.maxPendingPerHost,
				this.maxConnLifetimeJitter, this.maxRequestsPerConn, this.idleOrder, this.minIdleConns,
				this.unixSocket);
	}

	public HostSettings withMaxPendingPerHost(@Nullable Integer value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, value,
				this.maxConnLifetimeJitter, this.maxRequestsPerConn, this.idleOrder, this.minIdleConns,
				this.unixSocket);
	}

	public HostSettings withMaxConnLifetimeJitter(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost, value,
				this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withMaxRequestsPerConn(@Nullable Integer value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost,
				this.maxConnLifetimeJitter, value, this.idleOrder, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withIdleOrder(@Nullable IdleOrder value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost,
				this.maxConnLifetimeJitter, this.maxRequestsPerConn, value, this.minIdleConns, this.unixSocket);
	}

	public HostSettings withUnixSocket(@Nullable Path value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost,
				this.maxConnLifetimeJitter, this.maxRequestsPerConn, this.idleOrder, this.minIdleConns, value);
	}

	public HostSettings withMinIdleConns(int value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, this.poolWaitTimeout, this.maxPendingPerHost,
				this.maxConnLifetimeJitter, this.maxRequestsPerConn, this.idleOrder, value, this.unixSocket);
	}

}
