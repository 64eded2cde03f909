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
 * @param unixSocket the unix domain socket that connections to this {@code host:port} are
 * made to instead of TCP: no DNS lookup, no proxy, no address filter (it filters IP
 * addresses; a socket file has none). Requests keep the host in their {@code Host}
 * header, and https still verifies the server's certificate for it. {@code null}: TCP.
 * Go: a {@code DialContext} that dials {@code "unix"}
 */
public record HostSettings(@Nullable Integer maxConnsPerHost, @Nullable Integer maxIdleConnsPerHost,
		@Nullable Duration idleConnTimeout, @Nullable Duration maxConnLifetime,
		@Nullable Duration responseHeaderTimeout, @Nullable Path unixSocket) {

	/** Overrides nothing. */
	public static final HostSettings INHERIT = new HostSettings(null, null, null, null, null, null);

	public HostSettings {
		if (maxConnsPerHost != null && maxConnsPerHost < 0) {
			throw new IllegalArgumentException(
					"max-conns-per-host must be 0 (no limit) or more, was " + maxConnsPerHost);
		}
		TransportSettings.checkNotNegative(idleConnTimeout, "idle-conn-timeout");
		TransportSettings.checkNotNegative(maxConnLifetime, "max-conn-lifetime");
		TransportSettings.checkNotNegative(responseHeaderTimeout, "response-header-timeout");
	}

	public HostSettings withMaxConnsPerHost(@Nullable Integer value) {
		return new HostSettings(value, this.maxIdleConnsPerHost, this.idleConnTimeout, this.maxConnLifetime,
				this.responseHeaderTimeout, this.unixSocket);
	}

	public HostSettings withMaxIdleConnsPerHost(@Nullable Integer value) {
		return new HostSettings(this.maxConnsPerHost, value, this.idleConnTimeout, this.maxConnLifetime,
				this.responseHeaderTimeout, this.unixSocket);
	}

	public HostSettings withIdleConnTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, value, this.maxConnLifetime,
				this.responseHeaderTimeout, this.unixSocket);
	}

	public HostSettings withMaxConnLifetime(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout, value,
				this.responseHeaderTimeout, this.unixSocket);
	}

	public HostSettings withResponseHeaderTimeout(@Nullable Duration value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, value, this.unixSocket);
	}

	public HostSettings withUnixSocket(@Nullable Path value) {
		return new HostSettings(this.maxConnsPerHost, this.maxIdleConnsPerHost, this.idleConnTimeout,
				this.maxConnLifetime, this.responseHeaderTimeout, value);
	}

}
